import { KAFKA_SERVER, kafkaChannels, kafkaMessages, kafkaOperations } from './kafka-channels.ts';
import { GATEWAY_SERVER, socketChannels, socketMessages, socketOperations } from './socket-channels.ts';
import { ref, type AsyncApiDocument } from './types.ts';

/**
 * Rideline's AsyncAPI 3.0 document, built from the contracts (message and event schemas, topic
 * definitions) and the gateway's own tables (endpoints, close codes, upgrade refusals), so it
 * cannot drift from what is sent. Served by the gateway at `/asyncapi.json` and `/asyncapi`.
 */
export function buildAsyncApiDocument(): AsyncApiDocument {
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Rideline realtime API',
      version: '1.0.0',
      description: [
        "The WebSocket API of Rideline's realtime gateway (the `gateway` server) and the Kafka topics behind it (the `kafka` server).",
        "Operations are seen from Rideline: on a socket the gateway *sends* messages and *receives* frames from the client; on Kafka, Rideline's services *send* every record (each channel names who reads it).",
        'JSON everywhere; ids are strings; extra fields in a message are allowed, so a client should ignore fields it does not know.',
      ].join('\n\n'),
    },
    defaultContentType: 'application/json',
    servers: {
      [GATEWAY_SERVER]: {
        host: '{host}',
        protocol: 'ws',
        title: 'realtime-gateway',
        description:
          'The WebSocket gateway (`wss` behind TLS in production). Run as many instances as you like behind any load balancer; no stickiness is needed.',
        variables: { host: { default: 'localhost:3000', description: "The gateway's host and port (`PORT`, default 3000)." } },
        security: [ref('#/components/securitySchemes/bearerHeader'), ref('#/components/securitySchemes/bearerSubprotocol')],
      },
      [KAFKA_SERVER]: {
        host: '{brokers}',
        protocol: 'kafka',
        title: 'Kafka',
        description: 'The brokers of `KAFKA_BROKERS`; SASL (`plain`, `scram-sha-256`, `scram-sha-512`) when `KAFKA_SASL_MECHANISM` is set.',
        variables: { brokers: { default: '127.0.0.1:9092', description: 'A bootstrap broker (`KAFKA_BROKERS`).' } },
      },
    },
    channels: { ...socketChannels(), ...kafkaChannels() },
    operations: { ...socketOperations(), ...kafkaOperations() },
    components: {
      messages: { ...socketMessages(), ...kafkaMessages() },
      securitySchemes: {
        bearerHeader: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            "`Authorization: Bearer <access token>` on the upgrade request: a token issued by booking-service (EdDSA), of the endpoint's kind (user or driver).",
        },
        bearerSubprotocol: {
          type: 'httpApiKey',
          in: 'header',
          name: 'Sec-WebSocket-Protocol',
          description:
            'For browsers, which cannot set headers on a WebSocket: `Sec-WebSocket-Protocol: bearer, <access token>`; the server selects `bearer`. Not together with the Authorization header.',
        },
      },
    },
  };
}
