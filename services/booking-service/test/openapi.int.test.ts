import { expectDocsPage, expectServedOpenApi } from '@rideline/test-support/openapi';
import { describe, expect, it } from 'vitest';
import { useTestBookingSystem } from './support/booking-system.ts';

/** The OpenAPI document generators and people read, and the /docs page, of the real app. */
const h = useTestBookingSystem();

const ref = (name: string) => `#/components/schemas/${name}`;

describe('GET /openapi.json', () => {
  it('is valid OpenAPI 3.1 with an id, tags, a summary and the ErrorBody refusals on every operation', async () => {
    const document = await expectServedOpenApi(h.running.system.app, {
      'POST /auth/users/register': 'registerUser',
      'POST /auth/users/login': 'loginUser',
      'POST /auth/drivers/register': 'registerDriver',
      'POST /auth/drivers/login': 'loginDriver',
      'POST /auth/refresh': 'refreshSession',
      'POST /auth/logout': 'logout',
      'GET /.well-known/jwks.json': 'getJwks',
      'POST /bookings': 'createBooking',
      'GET /bookings': 'listBookings',
      'GET /bookings/{id}': 'getBooking',
      'POST /bookings/{id}/accept': 'acceptBooking',
      'POST /bookings/{id}/start': 'startTrip',
      'POST /bookings/{id}/complete': 'completeTrip',
      'POST /bookings/{id}/cancel': 'cancelBooking',
    });
    const accept = document.paths['/bookings/{id}/accept'].post;
    const codes = (status: string) => Object.keys(accept.responses[status].content['application/json'].examples);
    expect(codes('403')).toContain('NOT_OFFERED');
    expect(codes('409')).toEqual(expect.arrayContaining(['DRIVER_BUSY', 'BOOKING_TAKEN']));
    expect(codes('503')).toContain('OFFERS_LAGGING');
    expect(accept.security).toEqual([{ bearer: [] }]);
    expect(accept.responses['200'].content['application/json'].schema.$ref).toBe(ref('Booking'));

    const login = document.paths['/auth/users/login'].post;
    expect(login.security).toBeUndefined();
    expect(login.requestBody.content['application/json'].schema.$ref).toBe(ref('LoginRequest'));
    expect(login.responses['200'].content['application/json'].schema.$ref).toBe(ref('AuthSession'));
    expect(Object.keys(login.responses['429'].content['application/json'].examples)).toEqual(['TOO_MANY_ATTEMPTS']);
    expect(login.responses['429'].headers['retry-after']).toBeDefined();
    expect(Object.keys(login.responses['503'].content['application/json'].examples)).toContain('SERVICE_BUSY');
    expect(Object.keys(document.paths['/auth/logout'].post.responses)).toContain('204');
    expect(document.components.schemas.Booking.examples).toHaveLength(1);
  });
});

describe('GET /docs', () => {
  it('serves the interactive page without a token, and its document', async () => {
    await expectDocsPage(h.running.system.app, '/bookings');
  });
});
