export * from './principal.ts';
export * from './signing-key.ts';
export * from './access-token.ts';
export * from './key-source.ts';
export * from './jwks-keys.ts';
export * from './access-token-plugin.ts';
export * from './notice-seal.ts';
