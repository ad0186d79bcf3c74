import type { City } from './city.ts';
import { h } from './dom.ts';
import { statusBadge } from './table.ts';

interface HistoryEvent {
  readonly event_id: string;
  readonly version: number;
  readonly type: string;
  readonly occurred_at: string;
  readonly data: Record<string, unknown>;
}

/** Reads a booking's history; throws `SessionOver` on 401 so the page can return to login. */
export type HistoryReader = (bookingId: string) => Promise<readonly HistoryEvent[]>;

const summary = (event: HistoryEvent): string => {
  const { data } = event;
  switch (event.type) {
    case 'BookingAccepted':
    case 'TripStarted':
    case 'TripCompleted':
      return `driver ${String(data['driver_id']).slice(0, 8)}`;
    case 'BookingCancelled':
      return `by ${String(data['cancelled_by'])}${data['reason'] ? `: ${String(data['reason'])}` : ''}`;
    case 'BookingRequested':
      return `${String((data['pickup'] as { address?: string } | undefined)?.address ?? '')} → ${String((data['dropoff'] as { address?: string } | undefined)?.address ?? '')}`;
    default:
      return '';
  }
};

/**
 * The detail panel of the selected booking: what the stream says of it now, and its whole event
 * history from booking-service's event store (read again when its status changes).
 */
export class DetailPanel {
  readonly element: HTMLElement;
  readonly #city: City;
  readonly #read: HistoryReader;
  #bookingId: string | null = null;
  #shownStatus: string | null = null;
  #request = 0;

  constructor(city: City, read: HistoryReader, onClose: () => void) {
    this.#city = city;
    this.#read = read;
    const close = h('button', { type: 'button', class: 'close', 'aria-label': 'Close' }, '×');
    close.addEventListener('click', onClose);
    this.element = h('aside', { class: 'detail', id: 'detail', hidden: '' }, close, h('div', { class: 'detail-body' }));
  }

  show(bookingId: string | null): void {
    this.#bookingId = bookingId;
    this.#shownStatus = null;
    this.element.hidden = bookingId === null;
    this.refresh();
  }

  /** Re-renders when the booking's status moved since it was shown. */
  refresh(): void {
    const id = this.#bookingId;
    if (id === null) return;
    const booking = this.#city.bookings.get(id);
    const status = booking?.status ?? 'gone';
    if (status === this.#shownStatus) return;
    this.#shownStatus = status;
    const body = this.element.querySelector('.detail-body')!;
    const history = h('ol', { class: 'history', id: 'detail-history' }, h('li', { class: 'muted' }, 'Loading events…'));
    body.replaceChildren(
      h('h2', {}, 'Booking ', h('span', { class: 'mono' }, id.slice(0, 8))),
      booking
        ? h(
            'dl',
            {},
            h('dt', {}, 'Status'),
            h('dd', { id: 'detail-status' }, statusBadge(booking.status)),
            h('dt', {}, 'Pickup'),
            h('dd', {}, booking.pickup.address),
            h('dt', {}, 'Drop-off'),
            h('dd', {}, booking.dropoff.address),
            h('dt', {}, 'Fare'),
            h('dd', {}, booking.estimated_cost.toFixed(2)),
            h('dt', {}, 'Rider'),
            h('dd', { class: 'mono' }, booking.user_id),
            h('dt', {}, 'Driver'),
            h('dd', { class: 'mono' }, booking.driver_id ?? '—'),
          )
        : h('p', { class: 'muted' }, 'No longer on the live stream.'),
      h('h3', {}, 'Events'),
      history,
    );
    const request = ++this.#request;
    this.#read(id).then(
      (events) => {
        if (request !== this.#request) return;
        history.replaceChildren(
          ...events.map((event) =>
            h(
              'li',
              { 'data-type': event.type },
              h('span', { class: 'event-type' }, event.type),
              h('time', { datetime: event.occurred_at }, new Date(event.occurred_at).toLocaleTimeString()),
              h('span', { class: 'event-summary' }, summary(event)),
            ),
          ),
        );
      },
      (error: unknown) => {
        if (request === this.#request) history.replaceChildren(h('li', { class: 'error' }, error instanceof Error ? error.message : String(error)));
      },
    );
  }
}
