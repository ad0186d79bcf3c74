export type OwnedTopic = 'bookingEvents' | 'driverLocations' | 'dispatchOffers';

/**
 * Which partitions this instance is responsible for: its share of the shared consumer group.
 * For booking.events that means acting for the bookings there (offers, revocations, timers);
 * for driver.locations, keeping the drivers there whole on the compacted topic. Nothing is owned
 * before the first assignment or while the group rebalances.
 */
export class Ownership {
  private owned: ReadonlyMap<OwnedTopic, ReadonlySet<number>> | null = null;

  /** Whether this instance has an assignment (it joined the group). */
  get assigned(): boolean {
    return this.owned !== null;
  }

  owns(topic: OwnedTopic, partition: number): boolean {
    return this.owned?.get(topic)?.has(partition) ?? false;
  }

  partitionsOf(topic: OwnedTopic): ReadonlySet<number> {
    return this.owned?.get(topic) ?? new Set();
  }

  /** A new assignment, by topic. */
  assign(assignment: ReadonlyMap<OwnedTopic, ReadonlySet<number>>): void {
    this.owned = assignment;
  }

  /** The group is rebalancing: partitions may move to another instance. */
  revoke(): void {
    this.owned = null;
  }
}
