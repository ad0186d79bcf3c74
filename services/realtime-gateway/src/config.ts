import { commonSettings, loadConfig, port, type ConfigOf } from '@rideline/config';

export const gatewaySettings = {
  ...commonSettings,
  port: port('PORT', { default: 3000, description: 'HTTP and WebSocket port of realtime-gateway' }),
};

export type GatewayConfig = ConfigOf<typeof gatewaySettings>;

export const readGatewayConfig = (env: NodeJS.ProcessEnv = process.env): GatewayConfig =>
  loadConfig(gatewaySettings, env);
