import { validate } from '@readme/openapi-parser';
import { expect } from 'vitest';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
const ERROR_BODY = '#/components/schemas/ErrorBody';

interface Operation {
  readonly operationId?: string;
  readonly tags?: readonly string[];
  readonly summary?: string;
  readonly description?: string;
  readonly parameters?: readonly unknown[];
  readonly requestBody?: unknown;
  readonly security?: readonly unknown[];
  readonly responses?: Record<string, { readonly content?: Record<string, { readonly schema?: { readonly $ref?: string } }> }>;
}

/** Every operation of an OpenAPI document, as `GET /path` and the operation. */
export function operationsOf(document: unknown): [string, Operation][] {
  const paths = (document as { paths?: Record<string, Record<string, Operation>> }).paths ?? {};
  return Object.entries(paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method] !== undefined).map((method): [string, Operation] => [`${method.toUpperCase()} ${path}`, item[method]!]),
  );
}

/**
 * What a code generator and a reader need from a service's OpenAPI document: it is valid
 * OpenAPI 3.1 (checked by @readme/openapi-parser, offline), every named component schema has an
 * example, and every operation has a unique
 * operationId, tags, a summary and a description; every operation that takes input or a token
 * documents at least one 4xx answer, each 4xx and 5xx answer with the shared ErrorBody component.
 */
export async function expectUsableOpenApi(document: unknown): Promise<void> {
  // validate() dereferences in place: give it a copy.
  const result = await validate(structuredClone(document) as Parameters<typeof validate>[0]);
  expect(result.valid ? [] : result.errors).toEqual([]);
  expect((document as { openapi?: string }).openapi).toBe('3.1.0');

  const schemas = (document as { components?: { schemas?: Record<string, { examples?: readonly unknown[] }> } }).components?.schemas ?? {};
  const withoutExample = Object.entries(schemas).filter(([, schema]) => !(schema.examples?.length ?? 0));
  expect(
    withoutExample.map(([name]) => name),
    'component schemas without an example',
  ).toEqual([]);

  const operations = operationsOf(document);
  expect(operations.length).toBeGreaterThan(0);
  const ids = operations.map(([, operation]) => operation.operationId);
  expect(new Set(ids).size, 'operationIds are unique').toBe(ids.length);
  for (const [name, operation] of operations) {
    expect(operation.operationId, `${name} operationId`).toMatch(/^[a-z][A-Za-z0-9]+$/);
    expect(operation.tags?.length, `${name} tags`).toBeGreaterThan(0);
    expect(operation.summary, `${name} summary`).toBeTruthy();
    expect(operation.description, `${name} description`).toBeTruthy();
    const statuses = Object.keys(operation.responses ?? {});
    const takesInput = (operation.parameters?.length ?? 0) > 0 || operation.requestBody !== undefined || (operation.security?.length ?? 0) > 0;
    if (takesInput)
      expect(
        statuses.filter((status) => status.startsWith('4')),
        `${name} documents a 4xx`,
      ).not.toEqual([]);
    for (const status of statuses.filter((s) => /^[45]/.test(s) && operation.operationId !== 'getReadiness')) {
      expect(operation.responses?.[status]?.content?.['application/json']?.schema?.$ref, `${name} ${status} body`).toBe(ERROR_BODY);
    }
  }
}

interface InjectedAnswer {
  readonly statusCode: number;
  readonly headers: Record<string, unknown>;
  readonly body: string;
  json(): unknown;
}

/** What the checks below need of a Fastify app: `app.inject`. */
interface Injectable {
  inject(options: { url: string }): PromiseLike<InjectedAnswer>;
}

/**
 * `GET /openapi.json` of `app`: answered 200, usable (expectUsableOpenApi), with at least these
 * operations (`'GET /path': 'operationId'`). Answers the document for the service's own checks.
 */
// biome-ignore lint/suspicious/noExplicitAny: the tests walk the document freely, as they would response.json()'s
export async function expectServedOpenApi(app: Injectable, operationIds: Readonly<Record<string, string>>): Promise<any> {
  const response = await app.inject({ url: '/openapi.json' });
  expect(response.statusCode).toBe(200);
  const document = response.json();
  await expectUsableOpenApi(document);
  expect(Object.fromEntries(operationsOf(document).map(([name, operation]) => [name, operation.operationId]))).toMatchObject(operationIds);
  return document;
}

/**
 * `GET /docs` of `app` is the interactive page, without a token, every script, style and image
 * it names served by the service itself (no CDN: nothing outside may be reachable), and
 * `/docs/json` its document, which has `path`. service-kit's docs-page.browser.test.ts checks
 * in a browser that the page requests nothing else.
 */
export async function expectDocsPage(app: Injectable, path: string): Promise<void> {
  const page = await app.inject({ url: '/docs' });
  expect(page.statusCode).toBe(200);
  expect(page.headers['content-type']).toContain('text/html');
  const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');
  expect(assets.length).toBeGreaterThan(0);
  const here = 'http://the-service.invalid';
  for (const asset of assets) {
    const url = new URL(asset, `${here}/docs/`);
    expect(url.origin, `${asset} comes from the service`).toBe(here);
    expect((await app.inject({ url: url.pathname + url.search })).statusCode, asset).toBe(200);
  }
  const json = await app.inject({ url: '/docs/json' });
  expect(json.statusCode).toBe(200);
  expect((json.json() as { paths: Record<string, unknown> }).paths[path]).toBeDefined();
}
