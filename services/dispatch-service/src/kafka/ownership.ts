import type { TopicNames } from '@rideline/contracts';

export type OwnedTopic = 'bookingEvents' | 'driverLocations' | 'dispatchOffers';
const OWNED_TOPICS: readonly OwnedTopic[] = ['bookingEvents', 'driverLocations', 'dispatchOffers'];

/**
 * Which partitions this instance is responsible for: its share of the shared consumer group.
 * For booking.events that means acting for the bookings there (offers, revocations, timers);
 * for driver.locations, keeping the drivers there whole on the compacted topic. Nothing is owned
 * before the first assignment or while the group rebalances.
 */
export class Ownership {
  private owned: ReadonlyMap<OwnedTopic, ReadonlySet<number>> | null = null;
  private readonly idByName: ReadonlyMap<string, OwnedTopic>;

  constructor(names: TopicNames) {
    this.idByName = new Map(OWNED_TOPICS.map((id) => [names[id], id]));
  }

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

  /** A new assignment, by topic name (kafkajs' GROUP_JOIN `memberAssignment`). */
  assign(assignment: Readonly<Record<string, readonly number[]>>): void {
    const owned = new Map<OwnedTopic, Set<number>>();
    for (const [name, partitions] of Object.entries(assignment)) {
      const id = this.idByName.get(name);
      if (id !== undefined) owned.set(id, new Set(partitions));
    }
    this.owned = owned;
  }

  /** The group is rebalancing: partitions may move to another instance. */
  revoke(): void {
    this.owned = null;
  }
}
