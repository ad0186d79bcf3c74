export * from './settings.ts';
export * from './load-config.ts';
export * from './common-settings.ts';
