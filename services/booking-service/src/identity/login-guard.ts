import { ServiceError } from '@rideline/service-kit';
import type { HashingSlot } from './credentials.ts';
import { identityErrors, RetryLater } from './errors.ts';
import { HashingBusy, type HashingGate, type HashingLane } from './hashing-gate.ts';
import type { LoginThrottle } from './login-throttle.ts';

/** Seconds a shed request is told to wait: about one hash's turn. */
const BUSY_RETRY_AFTER_SECONDS = 1;

/** The gate's lane as a HashingSlot; a full gate becomes 503 SERVICE_BUSY with Retry-After. */
export function slotIn(gate: HashingGate, lane: HashingLane): HashingSlot {
  return async (work) => {
    try {
      return await gate.run(lane, work);
    } catch (error) {
      if (error instanceof HashingBusy) throw new RetryLater(identityErrors.SERVICE_BUSY(), BUSY_RETRY_AFTER_SECONDS);
      throw error;
    }
  };
}

const isWrongPassword = (error: unknown): boolean => error instanceof ServiceError && error.code === identityErrors.INVALID_CREDENTIALS().code;

/**
 * A login as the throttle and the hashing bound see it: claimed (refused 429 while locked),
 * checked in a hashing slot of the claim's lane, then settled: a success forgets the
 * account's failures, a wrong password stays counted, and anything else (shed with 503, a
 * database error) gives the claim back, since no password was judged.
 */
export class LoginGuard {
  constructor(
    private readonly throttle: LoginThrottle,
    private readonly gate: HashingGate,
  ) {}

  async attempt<A>(account: string, address: string, check: (inSlot: HashingSlot) => Promise<A>): Promise<A> {
    const claimed = await this.throttle.claim(account, address);
    let result: A;
    try {
      result = await check(slotIn(this.gate, claimed.lane));
    } catch (error) {
      if (!isWrongPassword(error)) await claimed.refund().catch(() => {});
      throw error;
    }
    await claimed.succeeded();
    return result;
  }
}
