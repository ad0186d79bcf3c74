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
};

export const rejectionError = (rejection: Rejection): ServiceError =>
  new ServiceError(STATUS[rejection.code], rejection.code, rejection.message);

/** Too many writers on one booking at once, even after retries: the client may retry. */
export const contentionError = () =>
  new ServiceError(409, 'BOOKING_BUSY', 'The booking is being changed by someone else; retry.');
