/**
 * The committed types match what the services document now: a route or schema change without
 * `pnpm --filter @rideline/client generate:api` fails here.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fetchOpenApiDocument, readCommittedApiTypes, renderApiTypes } from '../scripts/api-types.ts';
import { RunningServices, type HttpServiceName } from './support/running-services.ts';

let services: RunningServices;

beforeAll(async () => {
  services = await RunningServices.start();
}, 180_000);

afterAll(async () => {
  await services?.stop();
});

it.each(['booking-service', 'dispatch-service'] satisfies HttpServiceName[])(
  "src/http/generated/%s.ts is what the service's /openapi.json generates",
  async (service) => {
    const fresh = await renderApiTypes(service, await fetchOpenApiDocument(services.urls[service]));
    expect(fresh === (await readCommittedApiTypes(service)), 'stale: run `pnpm --filter @rideline/client generate:api`').toBe(true);
  },
);
