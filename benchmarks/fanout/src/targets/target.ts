/** The adapter each target provides to the one load generator. */
import type { ClientProtocol, SocketSpec } from '../common.ts';

export interface TargetParams {
  /** Sockets connected to the server. */
  readonly connections: number;
  /** How many of them every publish reaches (the first `fanout` sockets). */
  readonly fanout: number;
  /** Unique per server start: topic names, Redis prefixes. */
  readonly startId: string;
}

/** A server under test, started and ready for clients. */
export interface RunningTarget {
  /** The server process whose RSS and CPU are measured. */
  readonly pid: number;
  readonly protocol: ClientProtocol;
  /** A process the target's delivery path runs through besides the server (Redis, the Kafka broker), whose CPU is reported too. */
  readonly helper?: { readonly name: string; readonly pid: number };
  /** Processes of the load generator besides its own (the gateway's Java publisher), whose CPU counts as the load generator's. */
  readonly loadgenPids?: readonly number[];
  /** Socket i of `connections`; sockets [0, fanout) receive every publish. */
  readonly sockets: readonly SocketSpec[];
  /** Called once the client sockets are open, before anything is published. */
  prepare?(): Promise<void>;
  /** Publishes message `seq` to the fan-out set; must not wait for the deliveries. */
  publish(seq: number): void;
  /** A publish failed since the last call (for the report), or undefined. */
  takePublishError(): string | undefined;
  /**
   * How the publishes since the last call went, where the publish path can tell (the gateway's
   * Kafka produces: how long the broker took to acknowledge them), or undefined.
   */
  takePublishStats?(): PublishStats | undefined;
  /** The server's recent output, for error messages. */
  output(): string;
  /** Stops the server and frees what the target set up. */
  stop(): Promise<void>;
}

export type StartResult = { readonly ok: true; readonly target: RunningTarget } | { readonly ok: false; readonly skip: string };

export interface Target {
  /** Short id used by --targets. */
  readonly id: string;
  /** Name in the results table. */
  readonly label: string;
  /** How a publish reaches the sockets, for the report. */
  readonly publishPath: string;
  start(params: TargetParams): Promise<StartResult>;
}

export interface PublishStats {
  /** Median time from a publish to the publish path's acknowledgement, ms. */
  readonly medianAckMs: number;
  readonly maxAckMs: number;
  /** The most publishes awaiting acknowledgement at once. */
  readonly maxInFlight: number;
  /** What happened, in words, for the report. */
  readonly note: string;
}
