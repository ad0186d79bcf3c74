import { describe, expect, it } from 'vitest';
import { useTestBookingSystem } from './support/booking-system.ts';

/**
 * booking-service's own wiring of CORS_ALLOWED_ORIGINS (the policy itself is service-kit's,
 * test/cors.unit.test.ts there): a web app on an allowed origin can book, another cannot.
 */
const APP = 'https://app.example.com';
const h = useTestBookingSystem({ CORS_ALLOWED_ORIGINS: APP });

const preflight = (origin: string) =>
  h.running.system.app.inject({
    method: 'OPTIONS',
    url: '/bookings',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  });

describe('CORS of booking-service', () => {
  it('answers the preflight of an allowed origin, and its requests carry the origin', async () => {
    const answer = await preflight(APP);
    expect(answer.statusCode).toBe(204);
    expect(answer.headers['access-control-allow-origin']).toBe(APP);
    expect(answer.headers['access-control-allow-methods']).toContain('POST');
    const login = await h.running.system.app.inject({
      method: 'POST',
      url: '/auth/users/login',
      headers: { origin: APP },
      payload: { email: 'nobody@example.com', password: 'not the password' },
    });
    expect(login.statusCode).toBe(401);
    expect(login.headers['access-control-allow-origin']).toBe(APP);
  });

  it('gives another origin no CORS header: its preflight is a 404 with the API error body', async () => {
    const answer = await preflight('https://elsewhere.example.com');
    expect(answer.statusCode).toBe(404);
    expect(answer.json()).toMatchObject({ success: false });
    expect(Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });
});
