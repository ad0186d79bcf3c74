/**
 * The parts of AsyncAPI 3.0 (https://www.asyncapi.com/docs/reference/specification/v3.0.0) that
 * Rideline's document uses, so that building it and rendering it are checked by the compiler.
 */

/** A JSON Schema as TypeBox builds it: plain JSON once serialised. */
export type JsonSchema = Readonly<Record<string, unknown>>;

export interface Ref {
  readonly $ref: string;
}

interface MessageExample {
  readonly name: string;
  readonly summary?: string;
  readonly payload?: unknown;
  readonly headers?: Readonly<Record<string, unknown>>;
}

export interface AsyncApiMessage {
  readonly name: string;
  readonly title: string;
  readonly summary: string;
  readonly description?: string;
  readonly contentType?: string;
  readonly payload: JsonSchema;
  readonly headers?: JsonSchema;
  readonly examples?: readonly MessageExample[];
  readonly bindings?: Readonly<Record<string, unknown>>;
}

/** A WebSocket close code the gateway may end a socket with (extension `x-close-codes`). */
export interface CloseCodeDoc {
  readonly code: number;
  readonly when: string;
  /** The message the gateway sends just before closing, if any. */
  readonly sentFirst?: unknown;
}

/** An HTTP answer refusing the upgrade (extension `x-upgrade-refusals`). */
export interface UpgradeRefusalDoc {
  readonly status: number;
  readonly code: string;
  readonly body: unknown;
  readonly when: string;
}

export interface AsyncApiChannel {
  readonly address: string;
  readonly title: string;
  readonly summary: string;
  readonly description: string;
  readonly servers: readonly Ref[];
  readonly messages: Readonly<Record<string, Ref>>;
  readonly bindings?: Readonly<Record<string, unknown>>;
  readonly 'x-close-codes'?: readonly CloseCodeDoc[];
  readonly 'x-upgrade-refusals'?: readonly UpgradeRefusalDoc[];
}

export interface AsyncApiOperation {
  readonly action: 'send' | 'receive';
  readonly channel: Ref;
  readonly title: string;
  readonly summary: string;
  readonly description?: string;
  readonly messages: readonly Ref[];
}

interface ServerVariable {
  readonly default: string;
  readonly description: string;
}

interface AsyncApiServer {
  readonly host: string;
  readonly protocol: string;
  readonly title: string;
  readonly description: string;
  readonly variables?: Readonly<Record<string, ServerVariable>>;
  readonly security?: readonly Ref[];
}

interface SecurityScheme {
  readonly type: 'http' | 'httpApiKey' | 'plain' | 'scramSha256' | 'scramSha512';
  readonly description: string;
  readonly scheme?: string;
  readonly bearerFormat?: string;
  readonly in?: 'header' | 'query' | 'cookie';
  readonly name?: string;
}

export interface AsyncApiDocument {
  readonly asyncapi: '3.0.0';
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly defaultContentType: string;
  readonly servers: Readonly<Record<string, AsyncApiServer>>;
  readonly channels: Readonly<Record<string, AsyncApiChannel>>;
  readonly operations: Readonly<Record<string, AsyncApiOperation>>;
  readonly components: {
    readonly messages: Readonly<Record<string, AsyncApiMessage>>;
    readonly securitySchemes: Readonly<Record<string, SecurityScheme>>;
  };
}

/** The JSON form of a TypeBox schema (a deep copy: the document must not share the contracts' objects). */
export const jsonSchemaOf = (schema: unknown): JsonSchema => JSON.parse(JSON.stringify(schema)) as JsonSchema;

export const ref = (path: string): Ref => ({ $ref: path });
