import { commonRefusals, errorReplies, type Refusal } from '@rideline/service-kit';

const refusal = (code: string, message: string): Refusal => ({ code, message });
const { validation, unauthorized, forbidden, dependencyDown } = commonRefusals;
const notFound = refusal('BOOKING_NOT_FOUND', 'Booking not found.');
const notYours = refusal('NOT_YOUR_BOOKING', 'This booking is not yours.');
const busy = refusal('BOOKING_BUSY', 'The booking is being changed by someone else; retry.');
const transition = refusal('INVALID_TRANSITION', 'A booking that is completed cannot be cancelled.');

/** What every booking route may answer: bad input, no or a wrong token, a database down. */
const base = { 400: [validation], 401: [unauthorized], 503: [dependencyDown] } as const;

/** The documented refusals of each booking route (API.md Bookings and its additions). */
export const bookingReplies = {
  place: errorReplies({
    ...base,
    403: [forbidden],
    409: [refusal('RIDER_HAS_ACTIVE_BOOKING', 'You already have an active booking; complete or cancel it first.')],
  }),
  get: errorReplies({ ...base, 403: [notYours], 404: [notFound] }),
  list: errorReplies(base),
  accept: errorReplies({
    ...base,
    403: [forbidden, refusal('NOT_OFFERED', 'This booking was not offered to you.')],
    404: [notFound],
    409: [
      refusal('BOOKING_TAKEN', 'Booking already taken by another driver.'),
      refusal('BOOKING_NOT_PENDING', 'Booking has expired.'),
      refusal('DRIVER_BUSY', 'You already have an accepted booking or a trip in progress.'),
      busy,
    ],
    503: [refusal('OFFERS_LAGGING', 'Dispatch offers are not read up to date yet (waited 3000 ms); retry shortly.'), dependencyDown],
  }),
  start: errorReplies({
    ...base,
    403: [forbidden, refusal('NOT_YOUR_BOOKING', 'This booking is not assigned to you.')],
    404: [notFound],
    409: [refusal('INVALID_TRANSITION', 'Cannot start a trip of a booking that is pending.'), busy],
    422: [refusal('WRONG_OTP', 'Wrong OTP (4 attempts left).')],
    429: [refusal('OTP_ATTEMPTS_EXHAUSTED', 'Too many wrong OTP attempts.')],
  }),
  complete: errorReplies({
    ...base,
    403: [forbidden, refusal('NOT_YOUR_BOOKING', 'This booking is not assigned to you.')],
    404: [notFound],
    409: [refusal('INVALID_TRANSITION', 'Cannot complete a booking that is accepted.'), busy],
  }),
  cancel: errorReplies({ ...base, 403: [notYours], 404: [notFound], 409: [transition, busy] }),
};
