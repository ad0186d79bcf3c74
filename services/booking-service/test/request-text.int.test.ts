/**
 * Issue 11 through booking-service's real routes (service-kit's body parsers and text guard):
 * bodyless POSTs sent with `Content-Type: application/json`, and lone surrogates in text fields,
 * which used to answer 400 FST_ERR_CTP_EMPTY_JSON_BODY, 500 (PostgreSQL 22P02) or store U+FFFD.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DROPOFF, PICKUP, type Session } from './support/http-client.ts';
import { useTestBookingSystem } from './support/booking-system.ts';

const h = useTestBookingSystem({ RIDER_MAX_ACTIVE_BOOKINGS: '10' });

let rider: Session;
let driver: Session;

beforeAll(async () => {
  // Several of this file's bookings stay pending: the rider limit is not what it tests.
  [rider, driver] = await Promise.all([h.client.registerUser(), h.client.registerDriver()]);
});

/** A POST whose body is exactly `body` (a string, possibly empty), sent as application/json. */
const postJson = (url: string, session: Session | null, body: string) =>
  h.client.request({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: body, ...(session ? { token: session.token } : {}) });

describe('bodyless POSTs with Content-Type: application/json and an empty body', () => {
  it('accept and cancel work; a route that needs a body still says which', async () => {
    const { booking_id: id } = await h.client.book(rider);
    await h.offers.offer(id, driver.id);
    const accepted = await postJson(`/bookings/${id}/accept`, driver, '');
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ status: 'accepted', driver_id: driver.id });

    const start = await postJson(`/bookings/${id}/start`, driver, '');
    expect(start.statusCode).toBe(400);
    expect(start.json()).toEqual({ success: false, code: 'VALIDATION_FAILED', message: 'body must be object' });

    const cancelled = await postJson(`/bookings/${id}/cancel`, rider, '');
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled' });
  });

  it('a non-empty malformed body is still 400', async () => {
    const { booking_id: id } = await h.client.book(rider);
    const response = await postJson(`/bookings/${id}/cancel`, rider, '{"reason":');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ success: false, code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
  });
});

describe('a lone surrogate in a text field: 400 naming the field, never 500, never stored altered', () => {
  const place = (address: string) => `{"lat":${PICKUP.lat},"lng":${PICKUP.lng},"address":"${address}"}`;
  const dropoff = JSON.stringify(DROPOFF);

  it.each([
    ['pickup.address', '/bookings', () => rider, `{"pickup":${place('A\\ud800')},"dropoff":${dropoff}}`],
    ['dropoff.address', '/bookings', () => rider, `{"pickup":${place('A')},"dropoff":${dropoff.replace('456', '\\udfff456')}}`],
    ['name', '/auth/users/register', () => null, `{"name":"R\\ud800","email":"r-${randomUUID()}@example.com","password":"correct horse battery"}`],
    [
      'vehicle.plate',
      '/auth/drivers/register',
      () => null,
      `{"name":"D","email":"d-${randomUUID()}@example.com","password":"correct horse battery","vehicle":{"plate":"KA\\ud800","model":"Swift"}}`,
    ],
  ])('body.%s', async (field, url, session, body) => {
    const response = await postJson(url, session(), body);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      success: false,
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining(`body.${field} must not hold a lone surrogate`),
    });
  });

  it('body.reason of a cancel, and the booking stays pending', async () => {
    const { booking_id: id } = await h.client.book(rider);
    const response = await postJson(`/bookings/${id}/cancel`, rider, '{"reason":"late\\ud800"}');
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain('body.reason must not hold a lone surrogate');
    const booking = await h.client.request({ method: 'GET', url: `/bookings/${id}`, token: rider.token });
    expect(booking.json().status).toBe('pending');
  });
});
