import { commonSettings, loadConfig, port, type ConfigOf } from '@rideline/config';

export const dispatchSettings = {
  ...commonSettings,
  port: port('PORT', { default: 3002, description: 'HTTP port of dispatch-service' }),
};

export type DispatchConfig = ConfigOf<typeof dispatchSettings>;

export const readDispatchConfig = (env: NodeJS.ProcessEnv = process.env): DispatchConfig =>
  loadConfig(dispatchSettings, env);
