import { DEAD_LETTER_HEADERS, TOPICS, TOPIC_IDS, TOPIC_MESSAGE_SCHEMAS, type TopicId } from '@rideline/contracts';
import { jsonSchemaOf, ref, type AsyncApiChannel, type AsyncApiMessage, type AsyncApiOperation } from './types.ts';

/** The Kafka topics in the AsyncAPI document: one channel per topic, one message per event type. */

export const KAFKA_SERVER = 'kafka';

interface TopicRoles {
  readonly summary: string;
  readonly producers: string;
  readonly consumers: string;
}

const ROLES = {
  bookingEvents: {
    summary: 'The booking event stream, one stream per booking.',
    producers: 'booking-service, through its transactional outbox',
    consumers: 'dispatch-service, realtime-gateway',
  },
  bookingNotifications: {
    summary: 'Private notices for one user, e.g. the OTP (sealed); never on `booking.events`.',
    producers: 'booking-service, through its transactional outbox',
    consumers: 'realtime-gateway',
  },
  driverLocations: {
    summary: "Drivers' reported location and availability; compacted, so each record is the driver's whole state.",
    producers: 'dispatch-service (HTTP) and realtime-gateway (`location` frames)',
    consumers: 'dispatch-service',
  },
  dispatchOffers: {
    summary: 'Offers of bookings to drivers and their revocation.',
    producers: 'dispatch-service',
    consumers: 'booking-service, dispatch-service (rebuilding its state), realtime-gateway',
  },
  identityRevocations: {
    summary: 'Login sessions ended before their tokens expire (logout, refresh-token reuse).',
    producers: 'booking-service, through its transactional outbox',
    consumers: 'realtime-gateway (every instance reads every partition)',
  },
  deadLetter: {
    summary: 'Records a consumer could not decode, parked once with where they came from.',
    producers: 'every durable consumer group (booking-service, dispatch-service)',
    consumers: 'operators',
  },
} as const satisfies Record<TopicId, TopicRoles>;

const DEAD_LETTER_MESSAGE = 'DeadLetterRecord';

/** The event types of a topic's union: envelopes told apart by their `type` literal. */
function eventSchemas(topic: TopicId): [string, object][] {
  if (!(topic in TOPIC_MESSAGE_SCHEMAS)) return [];
  const union = TOPIC_MESSAGE_SCHEMAS[topic as keyof typeof TOPIC_MESSAGE_SCHEMAS];
  return union.anyOf.map((variant): [string, object] => [variant.properties.type.const, variant]);
}

const keyBinding = (topic: TopicId) => ({
  kafka: { key: { type: 'string', description: `The record key: the ${TOPICS[topic].keyedBy}.` }, bindingVersion: '0.5.0' },
});

function deadLetterMessage(): AsyncApiMessage {
  const headerDescriptions: Record<keyof typeof DEAD_LETTER_HEADERS, string> = {
    sourceTopic: 'the topic the record was read from',
    sourcePartition: 'its partition',
    sourceOffset: 'its offset',
    consumerGroup: 'the consumer group that parked it',
    reason: 'why it did not decode',
  };
  return {
    name: DEAD_LETTER_MESSAGE,
    title: 'Dead-lettered record',
    summary: 'The original record, key and value unchanged (not necessarily JSON), with headers saying where it came from.',
    payload: { description: 'The original record value, byte for byte.' },
    headers: {
      type: 'object',
      required: Object.values(DEAD_LETTER_HEADERS),
      properties: Object.fromEntries(
        Object.entries(DEAD_LETTER_HEADERS).map(([field, header]) => [
          header,
          { type: 'string', description: headerDescriptions[field as keyof typeof DEAD_LETTER_HEADERS] },
        ]),
      ),
    },
    bindings: keyBinding('deadLetter'),
  };
}

export function kafkaMessages(): Record<string, AsyncApiMessage> {
  const events = TOPIC_IDS.flatMap((topic) =>
    eventSchemas(topic).map(([type, schema]): [string, AsyncApiMessage] => [
      type,
      {
        name: type,
        title: type,
        summary: `\`${type}\` on \`${TOPICS[topic].defaultName}\`, in the event envelope (\`event_id\`, \`type\`, \`version\`, \`occurred_at\`, \`data\`).`,
        contentType: 'application/json',
        payload: jsonSchemaOf(schema),
        bindings: keyBinding(topic),
      },
    ]),
  );
  return Object.fromEntries([...events, [DEAD_LETTER_MESSAGE, deadLetterMessage()]]);
}

const messageIdsOf = (topic: TopicId): string[] => {
  const events = eventSchemas(topic).map(([type]) => type);
  return events.length > 0 ? events : [DEAD_LETTER_MESSAGE];
};

export function kafkaChannels(): Record<string, AsyncApiChannel> {
  return Object.fromEntries(
    TOPIC_IDS.map((topic) => {
      const definition = TOPICS[topic];
      const roles: TopicRoles = ROLES[topic];
      const channel: AsyncApiChannel = {
        address: definition.defaultName,
        title: definition.defaultName,
        summary: roles.summary,
        description: [
          `Keyed by ${definition.keyedBy}, so one entity's records stay ordered. Cleanup policy: \`${definition.cleanupPolicy}\`.`,
          `The name is \`${definition.defaultName}\` unless the operator sets \`${definition.envVar}\`.`,
          `Produced by ${roles.producers}. Read by ${roles.consumers}.`,
          'Every record value is a JSON envelope: `event_id` (a UUID consumers de-duplicate on), `type`, `version` (the position in its aggregate stream), `occurred_at`, `data`. Consumers validate what they read and skip or park what does not decode.',
        ].join('\n\n'),
        servers: [ref(`#/servers/${KAFKA_SERVER}`)],
        messages: Object.fromEntries(messageIdsOf(topic).map((id) => [id, ref(`#/components/messages/${id}`)])),
        bindings: {
          kafka: { topic: definition.defaultName, topicConfiguration: { 'cleanup.policy': [definition.cleanupPolicy] }, bindingVersion: '0.5.0' },
        },
      };
      return [topic, channel];
    }),
  );
}

export function kafkaOperations(): Record<string, AsyncApiOperation> {
  return Object.fromEntries(
    TOPIC_IDS.map((topic): [string, AsyncApiOperation] => [
      `${topic}.publish`,
      {
        action: 'send',
        channel: ref(`#/channels/${topic}`),
        title: `Publish to ${TOPICS[topic].defaultName}`,
        summary: `Produced by ${ROLES[topic].producers}.`,
        messages: messageIdsOf(topic).map((id) => ref(`#/channels/${topic}/messages/${id}`)),
      },
    ]),
  );
}
