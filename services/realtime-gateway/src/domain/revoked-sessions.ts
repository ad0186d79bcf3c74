/**
 * The login sessions (`sid` of access tokens) revoked before their tokens expired, each kept
 * until `tokens_valid_until`: after it every token of the session has expired anyway, so the
 * entry is moot and is dropped. Pure: the caller passes the time.
 */
export class RevokedSessions {
  /** session id → ms since the epoch after which no token of the session is valid. */
  readonly #until = new Map<string, number>();

  get size(): number {
    return this.#until.size;
  }

  /** Records a revocation; false when it is already moot (every token of it has expired). */
  revoke(sessionId: string, tokensValidUntilMs: number, nowMs: number): boolean {
    if (!(tokensValidUntilMs > nowMs)) return false;
    const known = this.#until.get(sessionId);
    // Two records for one session (logout, then a reuse alarm): the later bound wins.
    if (known === undefined || known < tokensValidUntilMs) this.#until.set(sessionId, tokensValidUntilMs);
    return true;
  }

  /** Whether a token of this session must be refused; tokens without a session cannot be revoked. */
  isRevoked(sessionId: string | undefined, nowMs: number): boolean {
    if (sessionId === undefined) return false;
    const until = this.#until.get(sessionId);
    return until !== undefined && until > nowMs;
  }

  /** Drops the revocations whose tokens have all expired; returns how many. */
  evict(nowMs: number): number {
    let evicted = 0;
    for (const [sessionId, until] of this.#until) {
      if (until > nowMs) continue;
      this.#until.delete(sessionId);
      evicted++;
    }
    return evicted;
  }
}
