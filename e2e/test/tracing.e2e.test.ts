/**
 * Tracing across the three services, as processes, exporting to an OTLP/HTTP receiver in the
 * test through the standard OTEL_* variables: one booking's request is one trace, from the
 * booking-service's HTTP span through the outbox relay, dispatch's consume and offer, to the
 * gateway's consume and socket write; the accept's request is a trace of its own that reaches
 * the rider's socket. Log lines written under a span carry its trace id.
 */
import { TOPICS } from '@rideline/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { about, expectOk, Inbox, registerDriver, registerUser } from '../src/client.ts';
import { describeSpan, OtlpReceiver, type ReceivedSpan, type SpanKindName } from '../src/otlp-receiver.ts';
import { RunningSystem } from '../src/system.ts';

const PICKUP = { lat: 12.9716, lng: 77.5946, address: '123 Street, City' };
const DROPOFF = { lat: 12.9352, lng: 77.6245, address: '456 Avenue, City' };

let receiver: OtlpReceiver;
let system: RunningSystem;
const inboxes: Inbox[] = [];

beforeAll(async () => {
  receiver = await OtlpReceiver.start();
  system = await RunningSystem.start({
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    // Export within a fraction of a second rather than the default 5 s.
    OTEL_BSP_SCHEDULE_DELAY: '100',
    // Fastify's request lines are at info: they are the log lines checked for the trace id.
    LOG_LEVEL: 'info',
  });
}, 180_000);

afterAll(async () => {
  for (const inbox of inboxes) inbox.close();
  await system?.stop();
  await receiver?.close();
});

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A span of `service` in `spans` of that kind whose name matches; undefined if none. */
const spanOf = (spans: readonly ReceivedSpan[], service: string, kind: SpanKindName, name: RegExp) =>
  spans.find((span) => span.service === service && span.kind === kind && name.test(span.name));

describe('one booking, traced across the services', () => {
  it('is one trace from the request through the outbox, dispatch and the gateway to the sockets', { timeout: 90_000 }, async () => {
    const urls = { booking: system.url('booking-service'), dispatch: system.url('dispatch-service') };
    const gateway = system.url('realtime-gateway');
    const driver = await registerDriver(urls);
    const offers = await Inbox.open(gateway, '/ws/driver/available_bookings/', driver.token);
    inboxes.push(offers);
    expectOk(await driver.client.drivers.setAvailability(true));
    expectOk(await driver.client.drivers.setLocation({ lat: 12.975, lng: 77.596 }));
    const rider = await registerUser(urls);
    const riderInbox = await Inbox.open(gateway, '/ws/bookings/', rider.token);
    inboxes.push(riderInbox);

    const bookingId = expectOk(await rider.client.bookings.create({ pickup: PICKUP, dropoff: DROPOFF })).booking_id;
    await offers.waitFor(about(bookingId, 'available_booking'));
    expectOk(await driver.client.bookings.accept(bookingId));
    await riderInbox.waitFor(about(bookingId, 'booking_status', { status: 'accepted' }));

    const create = await receiver.waitFor('the create request', () => spanOf(receiver.spans, 'booking-service', 'server', /^POST \S*\/bookings$/));
    const bookingEvents = escapeRegExp(system.env[TOPICS.bookingEvents.envVar]!);
    const dispatchOffers = escapeRegExp(system.env[TOPICS.dispatchOffers.envVar]!);
    const expected: readonly [string, SpanKindName, RegExp][] = [
      ['booking-service', 'client', /^pg\.query/],
      ['booking-service', 'producer', new RegExp(`^send ${bookingEvents}$`)],
      ['dispatch-service', 'consumer', new RegExp(`^process ${bookingEvents}$`)],
      ['dispatch-service', 'internal', /^dispatch offers$/],
      ['dispatch-service', 'producer', new RegExp(`^send ${dispatchOffers}$`)],
      ['realtime-gateway', 'consumer', new RegExp(`^process ${dispatchOffers}$`)],
      ['realtime-gateway', 'producer', /^socket send available_booking$/],
    ];
    // Once every expected span has arrived, and the parent of every span in the trace (spans are
    // exported when they end, a parent often after its children).
    const trace = await receiver.waitFor('the whole trace of the create request', () => {
      const spans = receiver.trace(create.traceId);
      const ids = new Set(spans.map((span) => span.spanId));
      const complete = spans.every((span) => span.parentSpanId === '' || ids.has(span.parentSpanId));
      return complete && expected.every(([service, kind, name]) => spanOf(spans, service, kind, name)) ? spans : undefined;
    });
    expect(new Set(trace.map((span) => span.service))).toEqual(new Set(['booking-service', 'dispatch-service', 'realtime-gateway']));
    // One tree, the request its only root.
    expect(trace.filter((span) => span.parentSpanId === '').map(describeSpan)).toEqual([describeSpan(create)]);
    // Each hop is the child of the one before it.
    const parentOf = (span: ReceivedSpan) => trace.find((candidate) => candidate.spanId === span.parentSpanId);
    const socketSend = spanOf(trace, 'realtime-gateway', 'producer', /^socket send available_booking$/)!;
    const chain = [socketSend];
    for (let span = parentOf(socketSend); span !== undefined; span = parentOf(span)) chain.unshift(span);
    expect(chain.map((span) => `${span.service} ${span.kind}`)).toEqual([
      'booking-service server',
      'booking-service producer',
      'dispatch-service consumer',
      'dispatch-service internal',
      'dispatch-service producer',
      'realtime-gateway consumer',
      'realtime-gateway producer',
    ]);

    // The accept is a request of its own, traced to the rider's socket.
    const accept = await receiver.waitFor('the accept request', () => spanOf(receiver.spans, 'booking-service', 'server', /^POST \S*\/bookings\/:id\/accept$/));
    expect(accept.traceId).not.toBe(create.traceId);
    await receiver.waitFor('the accept reaching the rider', () =>
      spanOf(receiver.trace(accept.traceId), 'realtime-gateway', 'producer', /^socket send booking_status$/),
    );

    // The booking-service's log line for the request names its trace.
    const logged = system.processes
      .get('booking-service')!
      .output()
      .split('\n')
      .filter((line) => line.includes(`"trace_id":"${create.traceId}"`));
    expect(logged.length).toBeGreaterThan(0);
  });
});
