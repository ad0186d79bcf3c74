import type { OpsDriverState } from '@rideline/contracts/ops-messages';
import type { BookingStatus } from '@rideline/contracts/booking-status';

/** One colour per state, used by the map, the table and the legend alike. */
export const DRIVER_COLOURS: Readonly<Record<OpsDriverState, string>> = {
  available: '#22c55e',
  offered: '#f59e0b',
  assigned: '#3b82f6',
  on_trip: '#a855f7',
  offline: '#64748b',
};

export const BOOKING_COLOURS: Readonly<Record<BookingStatus, string>> = {
  pending: '#ef4444',
  accepted: '#3b82f6',
  on_trip: '#a855f7',
  completed: '#94a3b8',
  cancelled: '#78716c',
  expired: '#78716c',
};

export const OFFER_LINE_COLOUR = '#f59e0b';
