import { NoticeSeal, otpNoticeContext, type Principal } from '@rideline/auth';
import type { TopicMessage } from '@rideline/contracts';
import { describe, expect, it } from 'vitest';
import { events, newId, publish, TEST_NOTICE_SEAL } from './support/events.ts';
import { until } from './support/gateway.ts';
import { useGatewayHarness } from './support/harness.ts';
import { settled } from './support/sentinel.ts';
import { connect } from './support/ws-client.ts';

/** This gateway's own key: notices sealed with anything else (the public development key included) must not open. */
const KEY = 'the-sealed-otp-test-key-32-characters-long';
const seal = new NoticeSeal(KEY);
const OTP_TEXT = 'Your booking has been accepted. Here is your OTP to start the trip.';
const h = useGatewayHarness('sealed', { gateways: [{ OTP_NOTICE_KEY: KEY }] });

const unopenable = async (): Promise<number> => {
  const text = await (await fetch(`${h.gateway.httpBase}/metrics`)).text();
  const match = /rideline_gateway_records_total\{topic="bookingNotifications",outcome="unopenable"[^}]*\} (\d+)/.exec(text);
  return match ? Number(match[1]) : 0;
};

describe('sealed OTP notices', () => {
  it('opens the sealed OTP and sends the rider the otp message in clear', async () => {
    const rider: Principal = { kind: 'user', id: newId() };
    const booking = { bookingId: newId(), userId: rider.id };
    const socket = await connect(`${h.gateway.wsBase}/ws/bookings/`, { token: h.issuer.token(rider) });
    const notice = events.otp(booking, '482913', 2, seal);
    // What the broker carries: no OTP in clear.
    expect(JSON.stringify(notice)).not.toContain('482913');
    await publish.booking(h.kafka, events.requested(booking), events.accepted(booking, newId(), 2));
    await publish.notice(h.kafka, notice);
    await socket.waitFor(3);
    expect(socket.of('otp')).toEqual([{ type: 'otp', booking_id: booking.bookingId, otp: '482913', message: OTP_TEXT }]);
    socket.close();
  });

  it('never delivers a notice that does not open (another key, tampered, moved to another booking), and keeps going', async () => {
    const rider: Principal = { kind: 'user', id: newId() };
    const booking = { bookingId: newId(), userId: rider.id };
    const socket = await connect(`${h.gateway.wsBase}/ws/bookings/`, { token: h.issuer.token(rider) });
    await publish.booking(h.kafka, events.requested(booking), events.accepted(booking, newId(), 2));
    await socket.waitFor(2);
    const before = await unopenable();

    const otherKey = events.otp(booking, '111111', 2, TEST_NOTICE_SEAL);
    const good = events.otp(booking, '222222', 2, seal);
    const sealed = good.data.otp_sealed;
    // One bit of the ciphertext flipped (not of the last base64 character, whose low bits may be padding).
    const bytes = Buffer.from(sealed, 'base64url');
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x01;
    const flipped = bytes.toString('base64url');
    const tampered: TopicMessage<'bookingNotifications'> = { ...events.otp(booking, '333333', 2, seal), data: { ...good.data, otp_sealed: flipped } };
    // Sealed for another booking of the same rider, then pasted into this one.
    const elsewhere = seal.seal('444444', otpNoticeContext(newId(), rider.id));
    const moved: TopicMessage<'bookingNotifications'> = { ...events.otp(booking, '444444', 2, seal), data: { ...good.data, otp_sealed: elsewhere } };
    await publish.notice(h.kafka, otherKey, tampered, moved);

    await until(async () => (await unopenable()) >= before + 3, 10_000, 'three unopenable notices counted');
    await settled(h, [socket], { seal });
    expect(socket.of('otp')).toEqual([]);
    expect(socket.closed).toBeNull();

    // The feed did not stall: the next good notice for the booking arrives.
    await publish.notice(h.kafka, good);
    await socket.waitFor(3);
    expect(socket.of('otp')).toEqual([{ type: 'otp', booking_id: booking.bookingId, otp: '222222', message: OTP_TEXT }]);
    expect(await (await fetch(`${h.gateway.httpBase}/health/ready`)).json()).toMatchObject({ status: 'ready' });
    socket.close();
  });
});
