import { commonSettings, loadConfig, port, string, url, type ConfigOf } from '@rideline/config';

const { host, logLevel, logFormat, shutdownTimeoutMs } = commonSettings;

const consoleSettings = {
  host,
  port: port('PORT', { default: 3003, description: 'Port the console is served on' }),
  logLevel,
  logFormat,
  shutdownTimeoutMs,
  bookingUrl: url('BOOKING_URL', ['http', 'https'], {
    default: 'http://127.0.0.1:3001',
    description: 'booking-service, where operators log in and booking histories are read (called by the console server)',
  }),
  dispatchUrl: url('DISPATCH_URL', ['http', 'https'], {
    default: 'http://127.0.0.1:3002',
    description: 'dispatch-service, whose /metrics the consumer-lag counter reads',
  }),
  gatewayUrl: url('GATEWAY_URL', ['http', 'https'], {
    default: 'http://127.0.0.1:3000',
    description: 'realtime-gateway, whose /metrics the consumer-lag counter reads',
  }),
  gatewayWsUrl: string('OPS_GATEWAY_WS_URL', {
    default: '',
    description: "The gateway as the operator's browser reaches it (ws:// or wss://); empty: GATEWAY_URL with ws:// for http://",
  }),
  tileUrl: string('OPS_TILE_URL', {
    default: '',
    description: 'A raster tile URL template ({z}/{x}/{y}) for a real basemap where one is reachable; empty: a plain background with a graticule',
  }),
  tileAttribution: string('OPS_TILE_ATTRIBUTION', { default: '', description: "The basemap's attribution text" }),
};

export type ConsoleConfig = ConfigOf<typeof consoleSettings>;

export function readConsoleConfig(env: NodeJS.ProcessEnv = process.env): ConsoleConfig {
  return loadConfig(consoleSettings, env);
}

/** Where the browser opens `/ws/ops/live`. */
export const browserGatewayUrl = (config: ConsoleConfig): string => (config.gatewayWsUrl || config.gatewayUrl.replace(/^http/, 'ws')).replace(/\/+$/, '');
