import type { Consumer } from 'kafkajs';

/**
 * Consumer group timings that bound how long a consumer stays silent after the broker restarts.
 *
 * kafkajs does not keep its member id when it restarts a crashed consumer (and has no static
 * membership), so after a broker restart or crash it joins as a new member while the group still
 * lists the old one, restored from `__consumer_offsets`. The coordinator then holds the join
 * until the old member rejoins, which it never will, or is dropped: after its session timeout or
 * the group's rebalance timeout, whichever comes first. Measured on Kafka 4.4 (a group of one,
 * SIGKILL of the broker): the join took 29 s with kafkajs' defaults (30 s session, 60 s
 * rebalance), 9 s with a 10 s session, 3 s with a 3 s rebalance timeout. The session cannot
 * go below the broker's `group.min.session.timeout.ms` (6 s by default); the rebalance timeout
 * has no such floor, so it is the one that is short.
 *
 * The price of a short rebalance timeout: when a rebalance starts, a live member that does not
 * rejoin within it is dropped and rejoins afterwards (one more rebalance). Members rejoin at their
 * next heartbeat or fetch, after their batch in flight; hence a short heartbeat and fetch wait.
 */
export const GROUP_REBALANCE_TIMEOUT_MS = 3_000;

/**
 * For every consumer: its session (how soon a dead instance's partitions move), heartbeat, the
 * rebalance timeout above, and retries at most 1 s apart: a consumer that crashed while the
 * broker was away restarts after its last retry's wait, so a long wait (the client's is up to
 * 5 s) would be added whole to the time it takes to come back.
 */
export const GROUP_TIMING = {
  sessionTimeout: 10_000,
  heartbeatInterval: 1_000,
  rebalanceTimeout: GROUP_REBALANCE_TIMEOUT_MS,
  retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 1_000 },
} as const;

/**
 * Whether a consumer is in its group and fetching: false from start until its first join, and
 * from a crash, a rebalance or a stop until it has joined again. Readiness reports the consumer
 * down meanwhile, since nothing it reads is delivered then, however reachable the broker is.
 */
export class GroupLiveness {
  #live = false;

  /**
   * `options.rebalanceIsDown`: false for a member of a shared group, whose rebalances (an
   * instance starting or stopping) would otherwise make every instance unready at once.
   */
  constructor(consumer: Consumer, options: { readonly rebalanceIsDown?: boolean } = {}) {
    const { GROUP_JOIN, REBALANCING, CRASH, STOP, DISCONNECT } = consumer.events;
    consumer.on(GROUP_JOIN, () => (this.#live = true));
    for (const event of [CRASH, STOP, DISCONNECT]) consumer.on(event, () => (this.#live = false));
    if (options.rebalanceIsDown ?? true) consumer.on(REBALANCING, () => (this.#live = false));
  }

  get live(): boolean {
    return this.#live;
  }
}
