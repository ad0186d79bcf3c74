/**
 * Regenerates src/http/generated/*.ts from booking-service's and dispatch-service's
 * /openapi.json. Reads the running services at BOOKING_URL and DISPATCH_URL when both are set;
 * otherwise starts both on the local broker and PostgreSQL (as the tests do) and stops them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { RunningServices, type HttpServiceName } from '../test/support/running-services.ts';
import { API_TYPES_FILES, fetchOpenApiDocument, renderApiTypes } from './api-types.ts';

async function generate(urls: Record<HttpServiceName, string>): Promise<void> {
  for (const service of Object.keys(API_TYPES_FILES) as HttpServiceName[]) {
    const file = API_TYPES_FILES[service];
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, await renderApiTypes(service, await fetchOpenApiDocument(urls[service])));
    console.log(`wrote ${file}`);
  }
}

const bookingUrl = process.env['BOOKING_URL'];
const dispatchUrl = process.env['DISPATCH_URL'];
if (bookingUrl && dispatchUrl) {
  await generate({ 'booking-service': bookingUrl, 'dispatch-service': dispatchUrl });
} else {
  const services = await RunningServices.start();
  try {
    await generate(services.urls);
  } finally {
    await services.stop();
  }
}
