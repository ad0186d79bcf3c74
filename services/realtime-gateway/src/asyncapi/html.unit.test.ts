import { describe, expect, it } from 'vitest';
import { ENDPOINT_NAMES } from '../domain/endpoints.ts';
import { buildAsyncApiDocument } from './document.ts';
import { renderAsyncApiHtml } from './html.ts';

const document = buildAsyncApiDocument();
const html = renderAsyncApiHtml(document);

describe('the AsyncAPI page', () => {
  it('names every channel, operation and message', () => {
    for (const channel of Object.values(document.channels)) expect(html).toContain(`<code>${channel.address}</code>`);
    for (const operationId of Object.keys(document.operations)) expect(html).toContain(`<code>${operationId}</code>`);
    for (const message of Object.values(document.components.messages)) expect(html).toContain(`<code>${message.name}</code>`);
  });

  it('shows the close codes on every socket channel and the upgrade refusals as a table', () => {
    expect(html.match(/<li><strong>4029<\/strong>/g)).toHaveLength(ENDPOINT_NAMES.length);
    expect(html).toContain('<td><code>MALFORMED_WEBSOCKET_REQUEST</code></td>');
  });

  it('escapes the texts it shows', () => {
    expect(html).not.toContain('<token>');
    expect(html).toContain('bearer, &#60;token&#62;');
    const hostile = { ...document, info: { ...document.info, title: '<script>alert(1)</script>' } };
    expect(renderAsyncApiHtml(hostile)).not.toContain('<script>');
  });

  it('loads nothing from anywhere: no script, no external stylesheet, image or font', () => {
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
  });
});
