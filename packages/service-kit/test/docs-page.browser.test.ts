import { existsSync } from 'node:fs';
import { pino } from 'pino';
import { chromium, type Browser } from 'playwright-core';
import Type from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerAuth, createServiceApp, errorReplies, schemaRef, type ServiceApp } from '../src/index.ts';

/**
 * The /docs page in a real browser (Debian's Chromium): it renders the document and requests
 * nothing outside the service (no CDN, no fonts, no validator badge), so it works offline.
 * CI installs Chromium (.ci/run); on a machine without it the file says so and fails there too.
 */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const SCREENSHOT = process.env['DOCS_SCREENSHOT'];

let app: ServiceApp;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  ({ app } = await createServiceApp({
    service: 'docs-test',
    logger: pino({ level: 'silent' }),
    readiness: {},
    tags: [{ name: 'things', description: 'Things.' }],
  }));
  const Thing = Type.Object({ name: Type.String() }, { $id: 'Thing', examples: [{ name: 'a thing' }] });
  app.addSchema(Thing);
  app.post(
    '/things',
    {
      schema: {
        operationId: 'createThing',
        tags: ['things'],
        summary: 'Make a thing',
        description: 'Makes one.',
        security: bearerAuth,
        body: schemaRef(Thing),
        response: { 201: schemaRef(Thing), ...errorReplies({ 409: [{ code: 'THING_EXISTS', message: 'It exists.' }] }) },
      },
    },
    async (request, reply) => reply.code(201).send(request.body),
  );
  origin = await app.listen({ host: '127.0.0.1', port: 0 });
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('/docs in a browser', () => {
  it('renders every operation and requests only the service itself', async () => {
    const page = await browser.newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    const response = await page.goto(`${origin}/docs`, { waitUntil: 'networkidle' });
    expect(response?.status()).toBe(200);
    await page.getByText('createThing').first().waitFor({ timeout: 15_000 });
    expect(await page.getByText('Make a thing').count()).toBeGreaterThan(0);
    expect(await page.getByText('getReadiness').count()).toBeGreaterThan(0);
    if (SCREENSHOT) await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(requested.length).toBeGreaterThan(1);
    expect(requested.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'))).toEqual([]);
  }, 60_000);
});
