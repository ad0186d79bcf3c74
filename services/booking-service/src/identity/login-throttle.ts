import type { PrismaClient } from '../db/client.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { identityErrors, RetryLater } from './errors.ts';
import type { HashingLane } from './hashing-gate.ts';
import type { IdentityConfig } from './settings.ts';

export type LoginThrottleConfig = Omit<IdentityConfig['loginThrottle'], 'trustProxyHops'>;

/** One counter: its `login_throttles` key and how many failures it allows before locking. */
interface Bucket {
  readonly key: string;
  readonly freeFailures: number;
}

/** A login attempt let through: settle it once the password has been checked. */
export interface ClaimedAttempt {
  /** Which hashing lane the attempt waits in. */
  readonly lane: HashingLane;
  /** The password was right: the account's failures are forgotten, the address's claim returned. */
  succeeded(): Promise<void>;
  /** The password was not checked after all (shed, or an error): the claim is returned. */
  refund(): Promise<void>;
}

interface LockRow {
  retry_after: number | null;
  known: boolean;
  returning: boolean;
}

interface CountRow {
  key: string;
  failures: number;
}

/**
 * Throttles password guessing, per account and per client address, in PostgreSQL so that
 * every instance of the service shares the counts. An attempt is counted as a failure BEFORE
 * the password is checked (one atomic upsert per counter), and given back when it succeeds:
 * concurrent guesses cannot all slip through while the first ones are still hashing. The
 * first `freeFailures` failures are free; the failure that reaches that number locks the
 * counter for `lockoutBaseSeconds`, each further one doubles it, up to `lockoutMaxSeconds`.
 * A locked counter refuses (429, Retry-After) without hashing anything. A success deletes the
 * account's counter; the address's is not reset (a guesser could mix in logins of its own
 * account), its claim is only given back, and the address becomes known to the account: its
 * later logins wait in the best hashing lane.
 */
export class LoginThrottle {
  readonly #prisma: PrismaClient;
  readonly #config: LoginThrottleConfig;
  /** Prune forgotten counters once in this many claims (any instance may do it). */
  readonly #pruneEvery = 200;
  #claims = 0;

  constructor(prisma: PrismaClient, config: LoginThrottleConfig) {
    this.#prisma = prisma;
    this.#config = config;
  }

  /** Counts an attempt at `account` from `address`; throws 429 TOO_MANY_ATTEMPTS while locked. */
  async claim(account: string, address: string): Promise<ClaimedAttempt> {
    const buckets: Bucket[] = [
      { key: `account:${account}`, freeFailures: this.#config.accountFreeFailures },
      { key: `address:${address}`, freeFailures: this.#config.addressFreeFailures },
    ];
    const { known, returning } = await this.#refuseIfLocked(buckets, { account, address });
    if (++this.#claims % this.#pruneEvery === 0) void this.#prune().catch(() => {});
    const counts = await Promise.all(buckets.map((bucket) => this.#count(bucket)));
    const counted = buckets.filter((_, index) => counts[index] !== null);
    if (counted.length < buckets.length) {
      // Locked by a concurrent failure between the check and the count.
      await Promise.all(counted.map((bucket) => this.#giveBack(bucket)));
      await this.#refuseIfLocked(buckets);
      throw new RetryLater(identityErrors.TOO_MANY_ATTEMPTS(), 1);
    }
    const clean = counts.every((failures) => failures === 1);
    const lane: HashingLane = known ? 'known' : !clean ? 'suspect' : returning ? 'returning' : 'normal';
    const [accountBucket, addressBucket] = buckets as [Bucket, Bucket];
    let settled = false;
    const settle = (work: () => Promise<unknown>) => {
      if (settled) return Promise.resolve();
      settled = true;
      return work().then(() => {});
    };
    return {
      lane,
      succeeded: () =>
        settle(() =>
          Promise.all([
            this.#prisma.$executeRaw`DELETE FROM login_throttles WHERE bucket = ${accountBucket.key}`,
            this.#giveBack(addressBucket),
            this.#prisma.$executeRaw`
              INSERT INTO login_known_addresses (account, address, last_success_at) VALUES (${account}, ${address}, clock_timestamp())
              ON CONFLICT (account, address) DO UPDATE SET last_success_at = EXCLUDED.last_success_at`,
          ]),
        ),
      refund: () => settle(() => Promise.all(buckets.map((bucket) => this.#giveBack(bucket)))),
    };
  }

  /**
   * Throws 429 while a bucket is locked; otherwise says whether the address is known to the
   * account, and whether the account logged in lately from anywhere (`returning`).
   */
  async #refuseIfLocked(buckets: readonly Bucket[], pair?: { account: string; address: string }): Promise<{ known: boolean; returning: boolean }> {
    const [row] = await this.#prisma.$queryRaw<LockRow[]>`
      SELECT
        (SELECT ceil(extract(epoch FROM max(locked_until) - clock_timestamp()))::int
         FROM login_throttles
         WHERE bucket IN (${buckets[0]?.key}, ${buckets[1]?.key}) AND locked_until > clock_timestamp()) AS retry_after,
        EXISTS (SELECT 1 FROM login_known_addresses
                WHERE account = ${pair?.account ?? ''} AND address = ${pair?.address ?? ''}
                  AND last_success_at > clock_timestamp() - make_interval(days => ${this.#config.knownAddressDays}::int)) AS known,
        EXISTS (SELECT 1 FROM login_known_addresses
                WHERE account = ${pair?.account ?? ''}
                  AND last_success_at > clock_timestamp() - make_interval(days => ${this.#config.knownAddressDays}::int)) AS returning`;
    const retryAfter = row?.retry_after;
    if (typeof retryAfter === 'number') throw new RetryLater(identityErrors.TOO_MANY_ATTEMPTS(), Math.max(retryAfter, 1));
    return { known: row?.known === true, returning: row?.returning === true };
  }

  /**
   * Counts one failure; the count after it, or null when the counter is locked. Failures older
   * than the memory are forgotten first; the failure that reaches `freeFailures` (and every one
   * after it) sets the lock, doubling from the base.
   */
  async #count(bucket: Bucket): Promise<number | null> {
    const { lockoutBaseSeconds: base, lockoutMaxSeconds: max, failureMemorySeconds: memory } = this.#config;
    const free = bucket.freeFailures;
    const next = Prisma.sql`CASE WHEN t.last_failure_at < clock_timestamp() - make_interval(secs => ${memory}::int) THEN 1 ELSE t.failures + 1 END`;
    const lockAfter = (failures: Prisma.Sql) => Prisma.sql`CASE WHEN ${failures} >= ${free}::int
      THEN clock_timestamp() + make_interval(secs => least(${max}::float8, ${base}::float8 * power(2, least(${failures} - ${free}::int, 30))))
      END`;
    const rows = await this.#prisma.$queryRaw<CountRow[]>`
      INSERT INTO login_throttles AS t (bucket, failures, locked_until, last_failure_at)
      VALUES (${bucket.key}, 1, ${lockAfter(Prisma.sql`1`)}, clock_timestamp())
      ON CONFLICT (bucket) DO UPDATE SET
        failures = ${next},
        locked_until = ${lockAfter(next)},
        last_failure_at = clock_timestamp()
      WHERE t.locked_until IS NULL OR t.locked_until <= clock_timestamp()
      RETURNING t.bucket AS key, t.failures`;
    return rows[0]?.failures ?? null;
  }

  /** Returns a claim: one failure fewer, and no lock unless the remaining failures set one. */
  #giveBack(bucket: Bucket): Promise<number> {
    return this.#prisma.$executeRaw`
      UPDATE login_throttles SET
        failures = greatest(failures - 1, 0),
        locked_until = CASE WHEN failures - 1 >= ${bucket.freeFailures}::int THEN locked_until END
      WHERE bucket = ${bucket.key}`;
  }

  /** Deletes counters whose failures are forgotten and whose lock is over, and addresses no longer known. */
  async #prune(): Promise<void> {
    await this.#prisma.$executeRaw`
      DELETE FROM login_throttles
      WHERE last_failure_at < clock_timestamp() - make_interval(secs => ${this.#config.failureMemorySeconds}::int)
        AND (locked_until IS NULL OR locked_until <= clock_timestamp())`;
    await this.#prisma.$executeRaw`
      DELETE FROM login_known_addresses
      WHERE last_success_at < clock_timestamp() - make_interval(days => ${this.#config.knownAddressDays}::int)`;
  }
}
