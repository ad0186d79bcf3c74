/** Close codes the gateway uses (4000-4999 are the application's own, RFC 6455 §7.4.2). */
export const CLOSE = {
  /** Server shutting down or restarting: reconnect, possibly to another instance. */
  goingAway: 1001,
  /** Inbound frames faster than the cap. */
  policyViolation: 1008,
  /** The access token expired and was not refreshed in band (the spec's 401, as a close code). */
  tokenExpired: 4001,
  /**
   * The principal opened more than WS_MAX_SOCKETS_PER_PRINCIPAL sockets on this endpoint: the
   * oldest is closed in favour of the newest (mirrors HTTP 429). A client should not reconnect
   * on it automatically: its newer connection is alive elsewhere.
   */
  tooManySockets: 4029,
  /** The client did not read fast enough and its send queue passed WS_MAX_BUFFERED_BYTES. */
  slowClient: 4008,
  /**
   * An inbound frame over WS_MAX_FRAME_BYTES: `ws` closes with it itself (its `maxPayload`); named
   * here so that the published close codes (the AsyncAPI document) cover it.
   */
  frameTooLarge: 1009,
} as const;
