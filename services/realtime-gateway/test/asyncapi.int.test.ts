import { describe, expect, it } from 'vitest';
import { buildAsyncApiDocument } from '../src/asyncapi/document.ts';
import { useGatewayHarness } from './support/harness.ts';

const APP = 'https://app.example.com';
const h = useGatewayHarness('asyncapi', { gateways: [{ CORS_ALLOWED_ORIGINS: APP }] });

describe('the gateway serves its AsyncAPI document', () => {
  it('GET /asyncapi.json is the generated document', async () => {
    const response = await fetch(`${h.gateway.httpBase}/asyncapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual(JSON.parse(JSON.stringify(buildAsyncApiDocument())));
  });

  it('GET /asyncapi is a self-contained HTML page naming every channel', async () => {
    const response = await fetch(`${h.gateway.httpBase}/asyncapi`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await response.text();
    for (const channel of Object.values(buildAsyncApiDocument().channels)) expect(html).toContain(channel.address);
    for (const path of ['/ws/bookings/', '/ws/driver/bookings/', '/ws/driver/available_bookings/', 'booking.events', 'identity.revocations']) {
      expect(html).toContain(path);
    }
  });

  it('lets a page on an allowed origin read it (CORS_ALLOWED_ORIGINS), and no other origin', async () => {
    const allowed = await fetch(`${h.gateway.httpBase}/asyncapi.json`, { headers: { origin: APP } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(APP);
    const other = await fetch(`${h.gateway.httpBase}/asyncapi.json`, { headers: { origin: 'https://elsewhere.example.com' } });
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('keeps the API error body for other paths', async () => {
    const response = await fetch(`${h.gateway.httpBase}/asyncapi.yaml`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ success: false, code: 'NOT_FOUND' });
  });
});
