import { percentileOf } from '@rideline/stats';

/** What the demo counts and times, and how it prints them. */
export class Stats {
  readonly counts = { requested: 0, offered: 0, accepted: 0, on_trip: 0, completed: 0, cancelled: 0, expired: 0, errors: 0 };
  /** Booking created (201) to the first offer on a driver's socket. */
  readonly offerLatencyMs: number[] = [];
  /** Driver's accept answered to the rider's `accepted` status on its socket. */
  readonly acceptToStatusMs: number[] = [];
  /** Driver's accept answered to the rider's OTP message. */
  readonly otpLatencyMs: number[] = [];
  readonly errors: string[] = [];

  error(message: string): void {
    this.counts.errors++;
    if (this.errors.length < 10) this.errors.push(message);
  }

  line(elapsedS: number): string {
    const c = this.counts;
    return (
      `${elapsedS.toFixed(0).padStart(4)}s  requested ${c.requested}  offered ${c.offered}  accepted ${c.accepted}  ` +
      `on trip ${c.on_trip}  completed ${c.completed}  cancelled ${c.cancelled}  expired ${c.expired}  errors ${c.errors}  ` +
      `offer p50 ${fmt(percentileOf(this.offerLatencyMs, 50))}  accept→rider p50 ${fmt(percentileOf(this.acceptToStatusMs, 50))}`
    );
  }

  summary(): string {
    const rows = [
      ['booking created → offer on a driver socket', this.offerLatencyMs],
      ['accept → "accepted" on the rider socket', this.acceptToStatusMs],
      ['accept → OTP on the rider socket', this.otpLatencyMs],
    ] as const;
    return [
      '',
      'Rides:',
      ...Object.entries(this.counts).map(([name, value]) => `  ${name.padEnd(10)} ${value}`),
      '',
      'Latency (ms):          p50      p99      n',
      ...rows.map(
        ([name, values]) =>
          `  ${name.padEnd(44)} ${fmt(percentileOf(values, 50)).padStart(7)}  ${fmt(percentileOf(values, 99)).padStart(7)}  ${String(values.length).padStart(5)}`,
      ),
      ...(this.errors.length ? ['', 'First errors:', ...this.errors.map((e) => `  ${e}`)] : []),
      '',
    ].join('\n');
  }
}

const fmt = (value: number) => (Number.isNaN(value) ? '-' : value.toFixed(1));
