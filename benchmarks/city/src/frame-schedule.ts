/**
 * When each driver sends its location: every `periodMs`, spread evenly over the period in slots
 * of `slotMs`, as phones that came online at different times do. A timing wheel: drivers added
 * later go to the emptiest slot, and a late tick plays every slot it missed, so the rate holds and
 * the lateness shows in the lag samples instead of in fewer frames. The caller wakes at each
 * slot's due time (`nextDue`), so a lag is the process's own lateness, not the timer's grain.
 */
export class FrameSchedule {
  readonly #slots: number[][];
  #played = 0;
  readonly #startedAt: number;

  constructor(
    readonly periodMs: number,
    readonly slotMs: number,
    startedAt: number,
  ) {
    this.#slots = Array.from({ length: Math.max(1, Math.round(periodMs / slotMs)) }, () => []);
    this.#startedAt = startedAt;
  }

  add(driver: number): void {
    let emptiest = this.#slots[0]!;
    for (const slot of this.#slots) if (slot.length < emptiest.length) emptiest = slot;
    emptiest.push(driver);
  }

  /** When the next slot is due (the same clock as `startedAt`). */
  nextDue(): number {
    return this.#startedAt + this.#played * this.slotMs;
  }

  /** Sends every frame due by `now`; returns how late each slot played was, ms. */
  playDue(now: number, send: (driver: number) => void): number[] {
    const lags: number[] = [];
    for (;;) {
      const due = this.nextDue();
      if (due > now) return lags;
      for (const driver of this.#slots[this.#played % this.#slots.length]!) send(driver);
      lags.push(now - due);
      this.#played++;
    }
  }
}
