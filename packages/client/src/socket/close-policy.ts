/**
 * What a socket client does when the gateway (or the network) closes its socket, by close code
 * (websocket-api.md, "Close codes"; the gateway README's "Closing"):
 *
 * | code | meaning                                             | client does                               |
 * |------|-----------------------------------------------------|-------------------------------------------|
 * | 4001 | token expired without a refresh, or session revoked | asks the app for a fresh token, reconnects; stops (`unauthorized`) without one |
 * | 4008 | slow reader: its unsent messages passed the bound   | reconnects (the snapshot brings it up to date) |
 * | 4029 | a newer connection of the same account replaced it  | stops (`replaced`): reconnecting would evict the newer one |
 * | 1001 | the gateway shuts down or restarts                  | reconnects, possibly to another instance  |
 * | 1006 | abnormal: the connection dropped, or the upgrade failed | reconnects                            |
 * | 1008 | this client sent frames faster than allowed         | stops (`rate_limited`): a bug in the app, retrying repeats it |
 * | 1009 | this client sent a frame larger than allowed        | stops (`frame_too_large`), same reason    |
 * | any other | not named by the contract                      | reconnects                                |
 *
 * Every reconnection waits its back-off delay first.
 */
export type StopReason =
  /** 4001 and no fresh token from the app (logged out, refresh refused). */
  | 'unauthorized'
  /** 4029 */
  | 'replaced'
  /** 1008 */
  | 'rate_limited'
  /** 1009 */
  | 'frame_too_large'
  /** The app's AbortSignal fired. */
  | 'aborted'
  /** The app called `close()`. */
  | 'closed';

export type CloseRule = { readonly action: 'reconnect' } | { readonly action: 'reauthenticate' } | { readonly action: 'stop'; readonly reason: StopReason };

export const CLOSE_CODES = {
  goingAway: 1001,
  abnormal: 1006,
  policyViolation: 1008,
  messageTooBig: 1009,
  unauthorized: 4001,
  slowReader: 4008,
  replaced: 4029,
} as const;

const RECONNECT: CloseRule = { action: 'reconnect' };

export const CLOSE_POLICY: Readonly<Record<number, CloseRule>> = {
  [CLOSE_CODES.unauthorized]: { action: 'reauthenticate' },
  [CLOSE_CODES.slowReader]: RECONNECT,
  [CLOSE_CODES.replaced]: { action: 'stop', reason: 'replaced' },
  [CLOSE_CODES.goingAway]: RECONNECT,
  [CLOSE_CODES.abnormal]: RECONNECT,
  [CLOSE_CODES.policyViolation]: { action: 'stop', reason: 'rate_limited' },
  [CLOSE_CODES.messageTooBig]: { action: 'stop', reason: 'frame_too_large' },
};

export function closeRule(code: number): CloseRule {
  return CLOSE_POLICY[code] ?? RECONNECT;
}
