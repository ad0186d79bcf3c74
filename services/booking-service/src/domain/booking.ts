import { STATUS_AFTER_EVENT, type BookingStatus, type Place } from '@rideline/contracts';
import type { BookingDomainEvent } from './events.ts';

export interface Booking {
  readonly bookingId: string;
  readonly userId: string;
  readonly driverId: string | null;
  readonly status: BookingStatus;
  readonly pickup: Place;
  readonly dropoff: Place;
  readonly estimatedCost: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly expiresAt: string;
  readonly otpHash: string | null;
  readonly otpFailedAttempts: number;
}

/** A stream with no events yet is `null`: the booking does not exist. */
export type BookingState = Booking | null;

const initialState = (): BookingState => null;

/**
 * The state after one more event. Pure; the state is a left fold of the stream. The status after
 * each public event is the contract's (`STATUS_AFTER_EVENT`), the table the gateway folds with.
 */
export function evolve(state: BookingState, event: BookingDomainEvent): BookingState {
  if (event.type === 'BookingRequested') {
    const { data } = event;
    return {
      bookingId: data.booking_id,
      userId: data.user_id,
      driverId: null,
      status: STATUS_AFTER_EVENT.BookingRequested,
      pickup: data.pickup,
      dropoff: data.dropoff,
      estimatedCost: data.estimated_cost,
      createdAt: event.occurredAt,
      updatedAt: event.occurredAt,
      expiresAt: data.expires_at,
      otpHash: null,
      otpFailedAttempts: 0,
    };
  }
  if (state === null) return state; // an event before BookingRequested cannot happen in a valid stream
  const touched = { ...state, updatedAt: event.occurredAt };
  switch (event.type) {
    case 'BookingAccepted':
      return { ...touched, status: STATUS_AFTER_EVENT[event.type], driverId: event.data.driver_id };
    case 'OtpIssued':
      // Private fact: the public status and updated_at do not change.
      return { ...state, otpHash: event.data.otp_hash, otpFailedAttempts: 0 };
    case 'OtpRejected':
      return { ...state, otpFailedAttempts: event.data.failed_attempts };
    case 'TripStarted':
    case 'TripCompleted':
    case 'BookingCancelled':
    case 'BookingExpired':
      return { ...touched, status: STATUS_AFTER_EVENT[event.type] };
    default:
      return assertNever(event);
  }
}

export const fold = (events: readonly BookingDomainEvent[]): BookingState => events.reduce(evolve, initialState());

export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
