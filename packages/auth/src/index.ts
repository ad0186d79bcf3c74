export * from './principal.ts';
export * from './signing-key.ts';
export * from './access-token.ts';
export * from './jwks-client.ts';
export * from './notice-seal.ts';
