import { ServiceError } from '@rideline/service-kit';
import type { Rejection, RejectionCode } from '../domain/rejections.ts';

/** The HTTP status of each domain refusal (API.md's Errors section). */
const STATUS: Readonly<Record<RejectionCode, number>> = {
  BOOKING_NOT_FOUND: 404,
  BOOKING_EXISTS: 409,
  BOOKING_TAKEN: 409,
  BOOKING_NOT_PENDING: 409,
  INVALID_TRANSITION: 409,
  NOT_YOUR_BOOKING: 403,
  WRONG_OTP: 422,
  OTP_ATTEMPTS_EXHAUSTED: 429,
  NOT_OFFERED: 403,
  DRIVER_BUSY: 409,
  RIDER_HAS_ACTIVE_BOOKING: 409,
};

export const rejectionError = (rejection: Rejection): ServiceError => new ServiceError(STATUS[rejection.code], rejection.code, rejection.message);

/** Too many writers on one booking at once, even after retries: the client may retry. */
export const contentionError = () => new ServiceError(409, 'BOOKING_BUSY', 'The booking is being changed by someone else; retry.');

/**
 * The accept could not be checked against dispatch's offers: booking-service has not yet read
 * `dispatch.offers` up to where it stood when the accept arrived. Refusing with NOT_OFFERED
 * would be a guess; the client may retry.
 */
export const offersLaggingError = (waitedMs: number) =>
  new ServiceError(503, 'OFFERS_LAGGING', `Dispatch offers are not read up to date yet (waited ${waitedMs} ms); retry shortly.`);
