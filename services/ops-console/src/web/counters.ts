import type { City } from './city.ts';
import { BOOKING_COLOURS, DRIVER_COLOURS } from './colours.ts';
import { h } from './dom.ts';

export interface ServiceLag {
  readonly service: string;
  readonly lag: number | null;
}

const seconds = (value: number | null): string => (value === null ? '—' : `${value.toFixed(1)} s`);

/** The counters strip: drivers online, bookings by status, flow figures, consumer lag per service. */
export class Counters {
  readonly element: HTMLElement;
  readonly #city: City;
  readonly #values = new Map<string, HTMLElement>();
  readonly #lag: HTMLElement;

  constructor(city: City) {
    this.#city = city;
    const counter = (id: string, label: string, colour?: string) => {
      const value = h('span', { class: 'counter-value', id: `counter-${id}` }, '0');
      this.#values.set(id, value);
      return h('div', { class: 'counter', ...(colour ? { style: `--counter-colour: ${colour}` } : {}) }, value, h('span', { class: 'counter-label' }, label));
    };
    this.#lag = h('div', { class: 'lag', id: 'counter-lag' }, 'consumer lag: —');
    this.element = h(
      'section',
      { class: 'counters', 'aria-label': 'Counters' },
      counter('drivers-online', 'drivers online', DRIVER_COLOURS.available),
      counter('pending', 'pending', BOOKING_COLOURS.pending),
      counter('accepted', 'accepted', BOOKING_COLOURS.accepted),
      counter('on-trip', 'on trip', BOOKING_COLOURS.on_trip),
      counter('offers-per-minute', 'offers / min', DRIVER_COLOURS.offered),
      counter('time-to-offer', 'median to offer'),
      counter('time-to-accept', 'median to accept'),
      this.#lag,
    );
  }

  render(): void {
    let online = 0;
    for (const driver of this.#city.drivers.values()) if (driver.state !== 'offline') online++;
    const byStatus = new Map<string, number>();
    for (const booking of this.#city.bookings.values()) byStatus.set(booking.status, (byStatus.get(booking.status) ?? 0) + 1);
    const { stats } = this.#city;
    this.#set('drivers-online', String(online));
    this.#set('pending', String(byStatus.get('pending') ?? 0));
    this.#set('accepted', String(byStatus.get('accepted') ?? 0));
    this.#set('on-trip', String(byStatus.get('on_trip') ?? 0));
    this.#set('offers-per-minute', String(stats.offers_last_minute));
    this.#set('time-to-offer', seconds(stats.median_time_to_offer_s));
    this.#set('time-to-accept', seconds(stats.median_time_to_accept_s));
  }

  showLag(services: readonly ServiceLag[]): void {
    this.#lag.replaceChildren(
      'consumer lag: ',
      ...services.map((entry) =>
        h(
          'span',
          { class: 'lag-entry', 'data-service': entry.service },
          `${entry.service.replace('-service', '').replace('realtime-', '')} ${entry.lag ?? '?'}`,
        ),
      ),
    );
  }

  #set(id: string, text: string): void {
    const element = this.#values.get(id)!;
    if (element.textContent !== text) element.textContent = text;
  }
}
