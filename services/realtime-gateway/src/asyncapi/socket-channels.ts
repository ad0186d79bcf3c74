import {
  AvailableBookingMessage,
  BookingStatusMessage,
  BookingUnavailableMessage,
  LocationFrame,
  OpsSnapshotMessage,
  OpsUpdateMessage,
  OtpMessage,
  RefreshFrame,
  SocketErrorMessage,
  type ClientFrame,
  type OpsMessage,
  type ServerMessageType,
} from '@rideline/contracts';
import { ENDPOINTS, ENDPOINT_NAMES, type Endpoint } from '../domain/endpoints.ts';
import {
  DRIVER_DISCONNECTED,
  INVALID_TOKEN,
  MALFORMED_FRAME,
  availableBookingMessage,
  bookingStatusMessage,
  bookingUnavailableMessage,
  otpMessage,
} from '../domain/messages.ts';
import { CLOSE } from '../sockets/close-codes.ts';
import { REJECTIONS } from '../sockets/routes.ts';
import { jsonSchemaOf, ref, type AsyncApiChannel, type AsyncApiMessage, type AsyncApiOperation, type CloseCodeDoc, type UpgradeRefusalDoc } from './types.ts';

/** The gateway's socket endpoints in the AsyncAPI document: channels, operations, messages. */

export const GATEWAY_SERVER = 'gateway';

type ClientFrameType = ClientFrame['type'];

interface MessageDoc {
  /** A TypeBox schema from the contracts (JSON Schema as it is). */
  readonly schema: object;
  readonly title: string;
  readonly summary: string;
  readonly examples: readonly unknown[];
}

const EXAMPLE_BOOKING = '0b7e4d4e-5d3a-4c53-9f0e-2f1c8a6b9d10';
const EXAMPLE_DRIVER = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const EXAMPLE_AT = 1_764_400_000_000;
const EXAMPLE_STATS = { offers_last_minute: 12, median_time_to_offer_s: 0.4, median_time_to_accept_s: 6.2 };
const EXAMPLE_OPS_DRIVER = { id: EXAMPLE_DRIVER, lat: 12.9716, lng: 77.5946, state: 'offered', at: EXAMPLE_AT - 1_200 };
const EXAMPLE_OPS_BOOKING = {
  id: EXAMPLE_BOOKING,
  status: 'pending',
  user_id: '5b0f7c1e-2a4d-4f3b-9c8e-1d2e3f4a5b6c',
  driver_id: null,
  pickup: { lat: 12.9716, lng: 77.5946, address: '123 Street, City' },
  dropoff: { lat: 12.9352, lng: 77.6245, address: '456 Avenue, City' },
  estimated_cost: 300,
  cancelled_by: null,
  requested_at: EXAMPLE_AT - 900,
  first_offer_at: EXAMPLE_AT - 500,
  accepted_at: null,
  updated_at: EXAMPLE_AT - 900,
};
const EXAMPLE_OFFER = { booking_id: EXAMPLE_BOOKING, driver_id: EXAMPLE_DRIVER, offered_at: EXAMPLE_AT - 500 };

type SentType = ServerMessageType | OpsMessage['type'];

// Examples are built by the functions that build the real messages, so their texts are the sent ones.
const SERVER_MESSAGES = {
  booking_status: {
    schema: BookingStatusMessage,
    title: 'Booking status',
    summary: "A booking's status changed; also sent on connect for current and recently ended bookings.",
    examples: [bookingStatusMessage('user', EXAMPLE_BOOKING, 'accepted', null), bookingStatusMessage('driver', EXAMPLE_BOOKING, 'on_trip', null)],
  },
  otp: {
    schema: OtpMessage,
    title: 'OTP',
    summary: 'The OTP that starts the trip, to the rider only, right after the `accepted` status.',
    examples: [otpMessage(EXAMPLE_BOOKING, '123456')],
  },
  available_booking: {
    schema: AvailableBookingMessage,
    title: 'Available booking',
    summary: 'A booking offered to this driver; also sent on connect for every offer still open.',
    examples: [
      availableBookingMessage({
        bookingId: EXAMPLE_BOOKING,
        pickupAddress: '123 Street, City',
        dropoffAddress: '456 Avenue, City',
        estimatedCost: 300,
      }),
    ],
  },
  booking_unavailable: {
    schema: BookingUnavailableMessage,
    title: 'Booking unavailable',
    summary: 'An offer made earlier ended: the booking was taken by another driver, cancelled or expired.',
    examples: [bookingUnavailableMessage(EXAMPLE_BOOKING, 'accepted')],
  },
  error: {
    schema: SocketErrorMessage,
    title: 'Error',
    summary: 'A refused frame or refresh token, the notice before a 4001 close, or the driver disconnection notice.',
    examples: [MALFORMED_FRAME, INVALID_TOKEN, DRIVER_DISCONNECTED],
  },
  ops_snapshot: {
    schema: OpsSnapshotMessage,
    title: 'Ops snapshot',
    summary: 'The first message on the operator stream: every known driver, every active booking, every open offer, and the flow figures.',
    examples: [
      { type: 'ops_snapshot', at: EXAMPLE_AT, drivers: [EXAMPLE_OPS_DRIVER], bookings: [EXAMPLE_OPS_BOOKING], offers: [EXAMPLE_OFFER], stats: EXAMPLE_STATS },
    ],
  },
  ops_update: {
    schema: OpsUpdateMessage,
    title: 'Ops update',
    summary:
      'What changed since the previous frame (sent every OPS_FRAME_INTERVAL_MS, 250 ms by default, when anything did): each changed driver once with its latest position and state, changed bookings (an ended one once, then forgotten), offers opened and closed.',
    examples: [
      {
        type: 'ops_update',
        at: EXAMPLE_AT,
        drivers: [EXAMPLE_OPS_DRIVER],
        drivers_gone: [],
        bookings: [],
        offers: [EXAMPLE_OFFER],
        offers_closed: [],
        stats: EXAMPLE_STATS,
      },
    ],
  },
} as const satisfies Record<SentType, MessageDoc>;

const CLIENT_FRAMES = {
  location: {
    schema: LocationFrame,
    title: 'Location',
    summary: "The driver's position, as `PUT /drivers/me/location`; published to `driver.locations`. No reply.",
    examples: [{ type: 'location', lat: 12.97, lng: 77.59 }],
  },
  refresh: {
    schema: RefreshFrame,
    title: 'Refresh',
    summary:
      "Replaces the socket's access token before it expires. Success is silent; a token that is invalid, expired, of another principal or kind, or of a revoked session is answered with the `Invalid or expired token.` error and the socket keeps its current token.",
    examples: [{ type: 'refresh', token: '<new access token>' }],
  },
} as const satisfies Record<ClientFrameType, MessageDoc>;

type SocketMessageType = SentType | ClientFrameType;

interface EndpointTraffic {
  readonly title: string;
  readonly summary: string;
  readonly sends: readonly SentType[];
  readonly receives: readonly ClientFrameType[];
}

const TRAFFIC = {
  bookings: {
    title: "Rider's bookings",
    summary: "Status changes and the OTP of the user's own bookings.",
    sends: ['booking_status', 'otp', 'error'],
    receives: ['refresh'],
  },
  driver_bookings: {
    title: "Driver's assigned bookings",
    summary: 'Status changes of the bookings assigned to the driver (never an OTP).',
    sends: ['booking_status', 'error'],
    receives: ['refresh'],
  },
  driver_available_bookings: {
    title: 'Offers to a driver',
    summary: 'Bookings offered to the driver and the end of those offers; the driver reports its position here.',
    sends: ['available_booking', 'booking_unavailable', 'error'],
    receives: ['location', 'refresh'],
  },
  ops_live: {
    title: 'Operator live stream',
    summary: 'The whole city for the ops console: drivers, bookings and offers, a snapshot then batched updates (positions coalesced per driver).',
    sends: ['ops_snapshot', 'ops_update', 'error'],
    receives: ['refresh'],
  },
} as const satisfies Record<Endpoint, EndpointTraffic>;

const CLOSE_CODES: readonly CloseCodeDoc[] = [
  {
    code: CLOSE.tokenExpired,
    when: 'The token reached its `exp` without a good in-band refresh, or its login session was revoked (logout, or a refresh token presented twice).',
    sentFirst: INVALID_TOKEN,
  },
  {
    code: CLOSE.slowClient,
    when: "A slow client: its unsent messages would pass the gateway's buffer limit (`WS_MAX_BUFFERED_BYTES`, default 1 MiB).",
  },
  {
    code: CLOSE.tooManySockets,
    when: 'The same user or driver opened more sockets on this endpoint than the cap (`WS_MAX_SOCKETS_PER_PRINCIPAL`, default 5 per gateway instance): the oldest is closed. Do not reconnect automatically: a newer connection is alive.',
  },
  {
    code: CLOSE.goingAway,
    when: 'The server shuts down or restarts: reconnect, possibly to another instance.',
  },
  {
    code: CLOSE.policyViolation,
    when: 'Inbound frames faster than the allowed rate (`WS_INBOUND_RATE_PER_SECOND`, `WS_INBOUND_BURST`).',
  },
  {
    code: CLOSE.frameTooLarge,
    when: 'An inbound frame larger than the allowed size (`WS_MAX_FRAME_BYTES`, default 4096 bytes).',
  },
];

const REFUSAL_WHEN: Readonly<Record<string, string>> = {
  MALFORMED_WEBSOCKET_REQUEST:
    'Not a proper WebSocket handshake (not GET, no `Upgrade: websocket`, a bad key, a version other than 13), or a token both in the header and in the subprotocol.',
  UNAUTHORIZED: 'Token missing, invalid, expired, of the wrong kind for the endpoint, or of a revoked login session.',
  DEPENDENCY_DOWN: "booking-service's keys are not loaded yet; retry after `Retry-After` seconds.",
  NOT_READY: 'The gateway just started and is still rebuilding its state or reading the revocations; retry after `Retry-After` seconds.',
};

/** One entry per distinct answer (several reasons share the 401), in the order of REJECTIONS. */
const UPGRADE_REFUSALS: readonly UpgradeRefusalDoc[] = [
  ...new Map(
    Object.values(REJECTIONS).map(({ status, message, code }) => [
      code,
      { status, code, body: { success: false, message, code }, when: REFUSAL_WHEN[code] ?? '' },
    ]),
  ).values(),
];

const messageId = (type: SocketMessageType): string => `ws.${type}`;

function messageOf(type: SocketMessageType, doc: MessageDoc): AsyncApiMessage {
  return {
    name: type,
    title: doc.title,
    summary: doc.summary,
    contentType: 'application/json',
    payload: jsonSchemaOf(doc.schema),
    examples: doc.examples.map((payload, index) => ({ name: `${type}-${index + 1}`, payload })),
  };
}

export function socketMessages(): Record<string, AsyncApiMessage> {
  const server = Object.entries(SERVER_MESSAGES).map(([type, doc]) => [messageId(type as ServerMessageType), messageOf(type as ServerMessageType, doc)]);
  const client = Object.entries(CLIENT_FRAMES).map(([type, doc]) => [messageId(type as ClientFrameType), messageOf(type as ClientFrameType, doc)]);
  return Object.fromEntries([...server, ...client]);
}

const closeCodeLines = (endpoint: Endpoint): string[] => [
  'Close codes:',
  ...CLOSE_CODES.map(
    (close) => `- **${close.code}**: ${close.when}${close.sentFirst === undefined ? '' : ` Sent first: \`${JSON.stringify(close.sentFirst)}\`.`}`,
  ),
  ...(endpoint === 'driver_available_bookings'
    ? [`Before every server-side close on this endpoint the gateway sends \`${JSON.stringify(DRIVER_DISCONNECTED)}\`.`]
    : []),
];

function channelDescription(endpoint: Endpoint): string {
  const { kind } = ENDPOINTS[endpoint];
  return [
    `Open with a **${kind}** access token: \`Authorization: Bearer <token>\`, or (browsers) the subprotocol pair \`Sec-WebSocket-Protocol: bearer, <token>\`, to which the server answers \`bearer\`. Both at once is refused (400).`,
    'Every check runs before the upgrade, so a refusal is a plain HTTP answer with the API error body: ' +
      UPGRADE_REFUSALS.map((refusal) => `${refusal.status} \`${refusal.code}\``).join(', ') +
      '.',
    'On connect the gateway first sends the current state (a snapshot), then live messages: treat `(booking_id, status)` as state, not as an event count. A frame it cannot understand is answered with the `Malformed WebSocket request.` error and the socket stays open.',
    closeCodeLines(endpoint).join('\n'),
  ].join('\n\n');
}

export function socketChannels(): Record<string, AsyncApiChannel> {
  return Object.fromEntries(
    ENDPOINT_NAMES.map((endpoint) => {
      const traffic: EndpointTraffic = TRAFFIC[endpoint];
      const types: SocketMessageType[] = [...traffic.sends, ...traffic.receives];
      const channel: AsyncApiChannel = {
        address: ENDPOINTS[endpoint].path,
        title: traffic.title,
        summary: traffic.summary,
        description: channelDescription(endpoint),
        servers: [ref(`#/servers/${GATEWAY_SERVER}`)],
        messages: Object.fromEntries(types.map((type) => [type, ref(`#/components/messages/${messageId(type)}`)])),
        bindings: {
          ws: {
            method: 'GET',
            headers: {
              type: 'object',
              description: 'One of the two, not both.',
              properties: {
                Authorization: { type: 'string', pattern: '^Bearer .+$', description: `A ${ENDPOINTS[endpoint].kind} access token.` },
                'Sec-WebSocket-Protocol': { type: 'string', pattern: '^bearer, *.+$', description: 'For browsers: `bearer, <token>`.' },
              },
            },
            bindingVersion: '0.1.0',
          },
        },
        'x-close-codes': CLOSE_CODES,
        'x-upgrade-refusals': UPGRADE_REFUSALS,
      };
      return [endpoint, channel];
    }),
  );
}

export function socketOperations(): Record<string, AsyncApiOperation> {
  const operations: [string, AsyncApiOperation][] = [];
  for (const endpoint of ENDPOINT_NAMES) {
    const traffic: EndpointTraffic = TRAFFIC[endpoint];
    const channel = ref(`#/channels/${endpoint}`);
    const messageRefs = (types: readonly SocketMessageType[]) => types.map((type) => ref(`#/channels/${endpoint}/messages/${type}`));
    operations.push([
      `${endpoint}.send`,
      {
        action: 'send',
        channel,
        title: `Messages on ${ENDPOINTS[endpoint].path}`,
        summary: `The gateway sends ${traffic.sends.map((type) => `\`${type}\``).join(', ')}.`,
        messages: messageRefs(traffic.sends),
      },
    ]);
    operations.push([
      `${endpoint}.receive`,
      {
        action: 'receive',
        channel,
        title: `Frames on ${ENDPOINTS[endpoint].path}`,
        summary: `The client may send ${traffic.receives.map((type) => `\`${type}\``).join(', ')}.`,
        messages: messageRefs(traffic.receives),
      },
    ]);
  }
  return Object.fromEntries(operations);
}
