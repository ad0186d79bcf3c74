import type { AsyncApiChannel, AsyncApiDocument, AsyncApiMessage, AsyncApiOperation, Ref } from './types.ts';

/**
 * The AsyncAPI document as one self-contained HTML page: inline CSS, no script, nothing fetched,
 * so it works offline and under a `default-src 'none'` policy. The close codes are in each socket
 * channel's description (as AsyncAPI tools show them), so the page does not repeat them as a table. Every text is escaped; the
 * descriptions' markdown is rendered only as far as they use it (paragraphs, `-` lists,
 * `code`, **bold**).
 */

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

const inline = (text: string): string =>
  escapeHtml(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/\*([^*]+)\*/g, '<em>$1</em>');

function markdown(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((block) => {
      const lines = block.split('\n');
      const items = lines.filter((line) => line.startsWith('- '));
      const lead = lines.filter((line) => !line.startsWith('- '));
      const paragraph = lead.length > 0 ? `<p>${inline(lead.join(' '))}</p>` : '';
      const list = items.length > 0 ? `<ul>${items.map((item) => `<li>${inline(item.slice(2))}</li>`).join('')}</ul>` : '';
      return paragraph + list;
    })
    .join('\n');
}

/** The last segment of a local `$ref` (`#/components/messages/ws.otp` → `ws.otp`). */
const refName = (target: Ref): string => target.$ref.slice(target.$ref.lastIndexOf('/') + 1);

const anchor = (kind: string, id: string): string => `${kind}-${id.replace(/[^A-Za-z0-9_-]/g, '-')}`;

/** A title after a name, unless it only repeats it. */
const subtitle = (name: string, title: string): string => (title === name ? '' : ` <span class="muted">${escapeHtml(title)}</span>`);

const json = (value: unknown): string => `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;

function messageSection(id: string, message: AsyncApiMessage): string {
  const examples = (message.examples ?? [])
    .map((example) => `<details><summary>Example ${escapeHtml(example.name)}</summary>${json(example.payload)}</details>`)
    .join('');
  const key = message.bindings?.['kafka'];
  return `<section class="message" id="${anchor('message', id)}">
<h4><code>${escapeHtml(message.name)}</code>${subtitle(message.name, message.title)}</h4>
<p>${inline(message.summary)}</p>
${message.headers ? `<details><summary>Headers</summary>${json(message.headers)}</details>` : ''}
${key ? `<details><summary>Kafka key</summary>${json(key)}</details>` : ''}
<details open><summary>Payload schema</summary>${json(message.payload)}</details>
${examples}
</section>`;
}

function operationRow(id: string, operation: AsyncApiOperation): string {
  const messages = operation.messages.map((target) => {
    const name = refName(target);
    return `<a href="#${anchor('message', name)}"><code>${escapeHtml(name)}</code></a>`;
  });
  return `<tr id="${anchor('operation', id)}"><td><code>${escapeHtml(id)}</code></td><td class="action ${operation.action}">${operation.action}</td><td>${inline(operation.summary)}</td><td>${messages.join(' ')}</td></tr>`;
}

function channelSection(document: AsyncApiDocument, id: string, channel: AsyncApiChannel): string {
  const operations = Object.entries(document.operations).filter(([, operation]) => refName(operation.channel) === id);
  const refusals = channel['x-upgrade-refusals'] ?? [];
  const messages = Object.values(channel.messages).map((target) => {
    const name = refName(target);
    const message = document.components.messages[name];
    return message ? messageSection(name, message) : '';
  });
  return `<section class="channel" id="${anchor('channel', id)}">
<h3><code>${escapeHtml(channel.address)}</code>${subtitle(channel.address, channel.title)}</h3>
<p class="summary">${inline(channel.summary)}</p>
${markdown(channel.description)}
${
  refusals.length > 0
    ? `<h4>Upgrade refusals</h4><table><tr><th>status</th><th>code</th><th>when</th></tr>${refusals
        .map((refusal) => `<tr><td>${refusal.status}</td><td><code>${escapeHtml(refusal.code)}</code></td><td>${inline(refusal.when)}</td></tr>`)
        .join('')}</table>`
    : ''
}
<h4>Operations</h4>
<table><tr><th>operation</th><th>action</th><th>summary</th><th>messages</th></tr>${operations.map(([operationId, operation]) => operationRow(operationId, operation)).join('')}</table>
<h4>Messages</h4>
${messages.join('\n')}
</section>`;
}

const STYLE = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2330;margin:0;background:#f6f7f9}
main{max-width:1000px;margin:0 auto;padding:24px 32px 64px;background:#fff}
h1{margin:0 0 4px}h2{border-bottom:2px solid #e3e6eb;padding-bottom:4px;margin-top:40px}
h3{margin:32px 0 4px}h4{margin:20px 0 6px}
code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f0f2f5;padding:1px 4px;border-radius:3px}
pre{font:12.5px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f6f8fa;border:1px solid #e3e6eb;border-radius:4px;padding:10px;overflow:auto;max-height:420px}
table{border-collapse:collapse;width:100%;margin:6px 0 12px}th,td{border:1px solid #e3e6eb;padding:5px 8px;text-align:left;vertical-align:top}th{background:#f6f7f9}
.muted{color:#6a7280;font-weight:normal;font-size:.85em}.summary{font-size:1.05em}
.channel{border-left:4px solid #4c6ef5;padding-left:16px;margin-bottom:32px}
.message{border:1px solid #e3e6eb;border-radius:6px;padding:4px 14px 10px;margin:10px 0}
.action{font-weight:600}.action.send{color:#2b8a3e}.action.receive{color:#1864ab}
details{margin:4px 0}summary{cursor:pointer;color:#364fc7}
nav>ul{display:flex;gap:48px;list-style:none;padding:0}nav>ul>li>ul{padding-left:18px}
h3 code,h2 code{font-size:.95em}a{color:#364fc7}
`;

export function renderAsyncApiHtml(document: AsyncApiDocument): string {
  const servers = Object.entries(document.servers);
  const channels = Object.entries(document.channels);
  const channelsOf = (serverId: string) => channels.filter(([, channel]) => channel.servers.some((server) => refName(server) === serverId));
  const serverSections = servers.map(([serverId, server]) => {
    const variables = Object.entries(server.variables ?? {})
      .map(
        ([name, variable]) =>
          `<li><code>{${escapeHtml(name)}}</code>: ${inline(variable.description)} Default <code>${escapeHtml(variable.default)}</code>.</li>`,
      )
      .join('');
    const security = (server.security ?? [])
      .map((target) => {
        const scheme = document.components.securitySchemes[refName(target)];
        return scheme ? `<li><strong>${escapeHtml(refName(target))}</strong>: ${inline(scheme.description)}</li>` : '';
      })
      .join('');
    return `<section id="${anchor('server', serverId)}">
<h2>${escapeHtml(server.title)} <span class="muted"><code>${escapeHtml(server.protocol)}://${escapeHtml(server.host)}</code></span></h2>
${markdown(server.description)}
${variables ? `<ul>${variables}</ul>` : ''}
${security ? `<h4>Authentication (any one)</h4><ul>${security}</ul>` : ''}
${channelsOf(serverId)
  .map(([channelId, channel]) => channelSection(document, channelId, channel))
  .join('\n')}
</section>`;
  });
  const contents = servers
    .map(
      ([serverId, server]) =>
        `<li>${escapeHtml(server.title)}<ul>${channelsOf(serverId)
          .map(([channelId, channel]) => `<li><a href="#${anchor('channel', channelId)}"><code>${escapeHtml(channel.address)}</code></a></li>`)
          .join('')}</ul></li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(document.info.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(document.info.title)}</h1>
<p class="muted">AsyncAPI ${escapeHtml(document.asyncapi)} · version ${escapeHtml(document.info.version)} · machine-readable: <a href="asyncapi.json"><code>asyncapi.json</code></a></p>
${markdown(document.info.description)}
<nav><h4>Channels</h4><ul>${contents}</ul></nav>
${serverSections.join('\n')}
</main>
</body>
</html>
`;
}
