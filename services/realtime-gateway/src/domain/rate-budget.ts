/** A token bucket: `burst` frames at once, refilled at `perSecond`. State lives on the socket. */
export interface RateBudget {
  tokens: number;
  refilledAtMs: number;
}

export interface RateLimit {
  readonly perSecond: number;
  readonly burst: number;
}

/** Takes one token if there is one; false means the frame is over the limit. */
export function spend(budget: RateBudget, limit: RateLimit, nowMs: number): boolean {
  const elapsed = Math.max(0, nowMs - budget.refilledAtMs);
  budget.tokens = Math.min(limit.burst, budget.tokens + (elapsed * limit.perSecond) / 1000);
  budget.refilledAtMs = nowMs;
  if (budget.tokens < 1) return false;
  budget.tokens -= 1;
  return true;
}
