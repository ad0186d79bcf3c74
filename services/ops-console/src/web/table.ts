import { isActiveStatus, isEndedStatus, statusesWhere } from '@rideline/contracts/booking-status';
import type { OpsBooking } from '@rideline/contracts/ops-messages';
import type { City } from './city.ts';
import { BOOKING_COLOURS } from './colours.ts';
import { h } from './dom.ts';

const MAX_ROWS = 200;
/** The filter's choices: the active statuses one by one (from contracts), or a whole phase. */
const STATUSES = ['active', ...statusesWhere((traits) => traits.phase === 'active'), 'ended', 'all'] as const;
type StatusFilter = (typeof STATUSES)[number];

const matchesStatus = (booking: OpsBooking, filter: StatusFilter): boolean => {
  switch (filter) {
    case 'all':
      return true;
    case 'active':
      return isActiveStatus(booking.status);
    case 'ended':
      return isEndedStatus(booking.status);
    default:
      return booking.status === filter;
  }
};

const age = (sinceMs: number, nowMs: number): string => {
  const seconds = Math.max(0, Math.round((nowMs - sinceMs) / 1000));
  return seconds < 90 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
};

export const statusBadge = (status: OpsBooking['status']): HTMLElement =>
  h('span', { class: 'status', 'data-status': status, style: `--status-colour: ${BOOKING_COLOURS[status]}` }, status.replace('_', ' '));

/**
 * The bookings table: newest first, filtered by status and by text (id or address), at most
 * MAX_ROWS rows, re-rendered only when bookings changed. A row click selects the booking.
 */
export class BookingTable {
  readonly element: HTMLElement;
  readonly #city: City;
  readonly #body: HTMLTableSectionElement;
  readonly #count: HTMLElement;
  readonly #onSelect: (bookingId: string) => void;
  #status: StatusFilter = 'active';
  #text = '';
  #selected: string | null = null;

  constructor(city: City, onSelect: (bookingId: string) => void) {
    this.#city = city;
    this.#onSelect = onSelect;
    const status = h('select', { id: 'filter-status', 'aria-label': 'Status' }, ...STATUSES.map((value) => h('option', { value }, value.replace('_', ' '))));
    status.addEventListener('change', () => {
      this.#status = status.value as StatusFilter;
      this.render();
    });
    const text = h('input', { id: 'filter-text', type: 'search', placeholder: 'Booking id or address', 'aria-label': 'Search' });
    text.addEventListener('input', () => {
      this.#text = text.value.trim().toLowerCase();
      this.render();
    });
    this.#count = h('span', { class: 'table-count', id: 'table-count' });
    this.#body = h('tbody');
    this.#body.addEventListener('click', (event) => {
      const row = (event.target as HTMLElement).closest('tr');
      const id = row?.dataset['bookingId'];
      if (id !== undefined) this.#onSelect(id);
    });
    this.element = h(
      'section',
      { class: 'bookings', 'aria-label': 'Bookings' },
      h('div', { class: 'filters' }, status, text, this.#count),
      h(
        'div',
        { class: 'table-scroll' },
        h(
          'table',
          { id: 'bookings-table' },
          h('thead', {}, h('tr', {}, ...['Booking', 'Status', 'Pickup', 'Drop-off', 'Driver', 'Age'].map((title) => h('th', {}, title)))),
          this.#body,
        ),
      ),
    );
  }

  select(bookingId: string | null): void {
    this.#selected = bookingId;
    this.render();
  }

  render(nowMs: number = Date.now()): void {
    const rows = [...this.#city.bookings.values()]
      .filter((booking) => matchesStatus(booking, this.#status))
      .filter(
        (booking) =>
          this.#text === '' ||
          booking.id.includes(this.#text) ||
          booking.pickup.address.toLowerCase().includes(this.#text) ||
          booking.dropoff.address.toLowerCase().includes(this.#text),
      )
      .sort((a, b) => b.requested_at - a.requested_at);
    this.#count.textContent = rows.length > MAX_ROWS ? `${MAX_ROWS} of ${rows.length}` : `${rows.length}`;
    this.#body.replaceChildren(
      ...rows
        .slice(0, MAX_ROWS)
        .map((booking) =>
          h(
            'tr',
            { 'data-booking-id': booking.id, class: booking.id === this.#selected ? 'selected' : '' },
            h('td', { class: 'mono', title: booking.id }, booking.id.slice(0, 8)),
            h('td', {}, statusBadge(booking.status)),
            h('td', {}, booking.pickup.address),
            h('td', {}, booking.dropoff.address),
            h('td', { class: 'mono' }, booking.driver_id?.slice(0, 8) ?? '—'),
            h('td', {}, age(booking.requested_at, nowMs)),
          ),
        ),
    );
  }
}
