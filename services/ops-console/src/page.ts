/** The one HTML page: the script renders login or console into it. */
export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Rideline ops console</title>
<link rel="stylesheet" href="/app.css">
<script type="module" src="/app.js"></script>
</head>
<body><div id="root"></div></body>
</html>
`;

/**
 * Only this origin for scripts, styles and data, the gateway for the live socket, and the
 * basemap's origin for tiles when one is configured: nothing else can load, so the page works
 * the same offline and a slip that references a CDN shows up as a blocked request.
 */
export function contentSecurityPolicy(gatewayWsUrl: string, tileUrl: string): string {
  const tileOrigin = tileUrl ? ` ${new URL(tileUrl.replace(/\{[a-z]\}/g, '0')).origin}` : '';
  return [
    "default-src 'self'",
    `connect-src 'self' ${new URL(gatewayWsUrl).origin}`,
    `img-src 'self' data:${tileOrigin}`,
    "style-src 'self' 'unsafe-inline'",
    "script-src 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
