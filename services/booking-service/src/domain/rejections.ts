/**
 * Why a command was refused. The domain knows nothing of HTTP; the routes map each code to
 * its status (errors.ts) when answering.
 */
export type RejectionCode =
  | 'BOOKING_NOT_FOUND'
  | 'BOOKING_EXISTS'
  | 'BOOKING_TAKEN'
  | 'BOOKING_NOT_PENDING'
  | 'INVALID_TRANSITION'
  | 'NOT_YOUR_BOOKING'
  | 'WRONG_OTP'
  | 'OTP_ATTEMPTS_EXHAUSTED'
  | 'NOT_OFFERED'
  | 'DRIVER_BUSY'
  | 'RIDER_HAS_ACTIVE_BOOKING';

export interface Rejection {
  readonly code: RejectionCode;
  readonly message: string;
}

export const reject = (code: RejectionCode, message: string): Rejection => ({ code, message });
