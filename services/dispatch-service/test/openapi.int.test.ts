import { expectDocsPage, expectServedOpenApi } from '@rideline/test-support/openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropTopics, startHarness, type Harness } from './support/dispatch-harness.ts';

/** The OpenAPI document generators and people read, and the /docs page, of the real app. */
let h: Harness;

beforeAll(async () => {
  h = await startHarness({});
});
afterAll(async () => {
  await h?.close();
  if (h) await dropTopics(h.topics, [h.group]);
});

describe('GET /openapi.json', () => {
  it('is valid OpenAPI 3.1 with an id, tags, a summary and the ErrorBody refusals on every operation', async () => {
    const document = await expectServedOpenApi(h.system.app, {
      'PUT /drivers/me/location': 'updateDriverLocation',
      'PUT /drivers/me/availability': 'updateDriverAvailability',
      'GET /drivers/nearby': 'listNearbyDrivers',
      'GET /health/live': 'getLiveness',
      'GET /health/ready': 'getReadiness',
      'GET /metrics': 'getMetrics',
    });
    const nearby = document.paths['/drivers/nearby'].get;
    expect(nearby.security).toEqual([{ bearer: [] }]);
    expect(nearby.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/NearbyDrivers');
    expect(nearby.responses['429'].headers['retry-after']).toBeDefined();
    expect(Object.keys(nearby.responses['429'].content['application/json'].examples)).toEqual(['TOO_MANY_REQUESTS']);
    expect(document.paths['/drivers/me/location'].put.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/DriverLocation');
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});

describe('GET /docs', () => {
  it('serves the interactive page without a token, and its document', async () => {
    await expectDocsPage(h.system.app, '/drivers/nearby');
  });
});
