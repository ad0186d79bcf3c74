import { fileURLToPath } from 'node:url';
import { describeStartupContract } from '@rideline/test-support';
import { afterAll, beforeAll } from 'vitest';
import { startTestIssuer, type TestIssuer } from './support/jwks-server.ts';

// booking-service's JWKS, so that the gateway's readiness (which includes `auth`) can turn green.
let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer();
});
afterAll(() => issuer?.close());

describeStartupContract({
  serviceDir: fileURLToPath(new URL('..', import.meta.url)),
  env: () => ({ AUTH_JWKS_URL: issuer.url }),
  refusals: [
    ['AUTH_JWKS_URL', { AUTH_JWKS_URL: 'ftp://keys.example/jwks.json' }],
    ['WS_MAX_BUFFERED_BYTES', { WS_MAX_BUFFERED_BYTES: 'a lot' }],
  ],
});
