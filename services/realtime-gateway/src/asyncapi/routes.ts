import type { ServiceApp } from '@rideline/service-kit';
import { buildAsyncApiDocument } from './document.ts';
import { renderAsyncApiHtml } from './html.ts';

const ASYNCAPI_JSON_PATH = '/asyncapi.json';
const ASYNCAPI_HTML_PATH = '/asyncapi';

// The page has no script and loads nothing: the policy makes that a promise the browser keeps.
const HTML_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/** Serves the AsyncAPI document, built once at start, as JSON and as a readable page. */
export function installAsyncApiRoutes(app: ServiceApp): void {
  const document = buildAsyncApiDocument();
  const html = renderAsyncApiHtml(document);
  app.get(ASYNCAPI_JSON_PATH, { logLevel: 'warn' }, async () => document);
  app.get(ASYNCAPI_HTML_PATH, { logLevel: 'warn' }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('content-security-policy', HTML_POLICY).send(html),
  );
}
