import { Parser, DiagnosticSeverity } from '@asyncapi/parser';
import { ServerMessage, TOPICS, TOPIC_IDS, TOPIC_MESSAGE_SCHEMAS, isLocationFrame, isRefreshFrame, isOpsMessage, isServerMessage } from '@rideline/contracts';
import { describe, expect, it } from 'vitest';
import { ENDPOINTS, ENDPOINT_NAMES } from '../domain/endpoints.ts';
import { CLOSE } from '../sockets/close-codes.ts';
import { buildAsyncApiDocument } from './document.ts';

const parser = new Parser();
const errorsOf = async (document: unknown) => {
  const { diagnostics } = await parser.parse(JSON.stringify(document));
  return diagnostics.filter((diagnostic) => diagnostic.severity === DiagnosticSeverity.Error);
};
const document = buildAsyncApiDocument();
const messagesOf = (channelId: string) => Object.keys(document.channels[channelId]?.messages ?? {}).sort();

describe('the AsyncAPI document', () => {
  it('is valid AsyncAPI 3.0 for @asyncapi/parser: no diagnostic of severity error', async () => {
    expect(await errorsOf(document)).toEqual([]);
    const parsed = await parser.parse(JSON.stringify(document));
    expect(parsed.document?.version()).toBe('3.0.0');
    expect(parsed.document?.channels().length).toBe(ENDPOINT_NAMES.length + TOPIC_IDS.length);
  });

  it('is refused by the parser when a reference dangles (the check above can fail)', async () => {
    const { 'ws.otp': _dropped, ...messages } = document.components.messages;
    const broken = { ...document, components: { ...document.components, messages } };
    expect((await errorsOf(broken)).length).toBeGreaterThan(0);
  });

  it('has the four socket endpoints with what each sends and receives', () => {
    expect(ENDPOINT_NAMES.map((endpoint) => document.channels[endpoint]?.address)).toEqual([
      '/ws/bookings/',
      '/ws/driver/bookings/',
      '/ws/driver/available_bookings/',
      '/ws/ops/live',
    ]);
    expect(messagesOf('ops_live')).toEqual(['error', 'ops_snapshot', 'ops_update', 'refresh']);
    expect(messagesOf('bookings')).toEqual(['booking_status', 'error', 'otp', 'refresh']);
    expect(messagesOf('driver_bookings')).toEqual(['booking_status', 'error', 'refresh']);
    expect(messagesOf('driver_available_bookings')).toEqual(['available_booking', 'booking_unavailable', 'error', 'location', 'refresh']);
    expect(document.operations['driver_available_bookings.receive']?.action).toBe('receive');
    expect(document.operations['bookings.send']?.messages.map((m) => m.$ref)).toEqual([
      '#/channels/bookings/messages/booking_status',
      '#/channels/bookings/messages/otp',
      '#/channels/bookings/messages/error',
    ]);
  });

  it('carries the contract schemas of every server message, unchanged', () => {
    for (const variant of ServerMessage.anyOf) {
      const type = variant.properties.type.const;
      expect(document.components.messages[`ws.${type}`]?.payload).toEqual(JSON.parse(JSON.stringify(variant)));
    }
  });

  it('gives examples that the contracts accept', () => {
    for (const [id, message] of Object.entries(document.components.messages).filter(([id]) => id.startsWith('ws.'))) {
      expect(message.examples?.length, id).toBeGreaterThan(0);
      for (const example of message.examples ?? []) {
        const accepted =
          isServerMessage(example.payload) || isOpsMessage(example.payload) || isLocationFrame(example.payload) || isRefreshFrame(example.payload);
        expect(accepted, `${id} ${JSON.stringify(example.payload)}`).toBe(true);
      }
    }
  });

  it('lists every close code the gateway uses on every socket channel', () => {
    for (const endpoint of ENDPOINT_NAMES) {
      const codes = document.channels[endpoint]?.['x-close-codes']?.map((close) => close.code).sort();
      expect(codes).toEqual(Object.values(CLOSE).sort());
      expect(document.channels[endpoint]?.description).toContain('**4029**');
      expect(document.channels[endpoint]?.description).toContain(ENDPOINTS[endpoint].kind);
    }
    expect(document.channels['driver_available_bookings']?.description).toContain('Driver disconnected from the available bookings group.');
  });

  it('has a channel per Kafka topic with its key, its cleanup policy and each event schema', () => {
    for (const topic of TOPIC_IDS) {
      const channel = document.channels[topic];
      expect(channel?.address).toBe(TOPICS[topic].defaultName);
      expect(channel?.servers).toEqual([{ $ref: '#/servers/kafka' }]);
      expect(channel?.bindings?.['kafka']).toMatchObject({
        topic: TOPICS[topic].defaultName,
        topicConfiguration: { 'cleanup.policy': [TOPICS[topic].cleanupPolicy] },
      });
    }
    for (const [topic, union] of Object.entries(TOPIC_MESSAGE_SCHEMAS)) {
      for (const variant of union.anyOf) {
        const type = variant.properties.type.const;
        const message = document.components.messages[type];
        expect(Object.keys(document.channels[topic]?.messages ?? {})).toContain(type);
        expect(message?.payload).toEqual(JSON.parse(JSON.stringify(variant)));
        expect(JSON.stringify(message?.bindings)).toContain(TOPICS[topic as keyof typeof TOPICS].keyedBy);
      }
    }
    expect(Object.keys(document.channels['bookingEvents']?.messages ?? {})).toEqual([
      'BookingRequested',
      'BookingAccepted',
      'TripStarted',
      'TripCompleted',
      'BookingCancelled',
      'BookingExpired',
    ]);
    expect(messagesOf('deadLetter')).toEqual(['DeadLetterRecord']);
  });

  it('offers both ways of presenting the token on the gateway server', () => {
    expect(document.servers['gateway']?.security).toEqual([
      { $ref: '#/components/securitySchemes/bearerHeader' },
      { $ref: '#/components/securitySchemes/bearerSubprotocol' },
    ]);
    expect(document.components.securitySchemes['bearerSubprotocol']).toMatchObject({ in: 'header', name: 'Sec-WebSocket-Protocol' });
  });
});
