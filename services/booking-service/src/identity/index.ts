/** Identity of booking-service: riders, drivers and operators, their tokens, and the guard for routes. */
export { identityRoutes, type IdentityDeps } from './routes.ts';
export { authenticate, principalOf, type Principal } from '@rideline/auth';
export { ridePrincipalOf } from './ride-principal.ts';
export { loadSigningKeys, type SigningKeys } from './signing-key-store.ts';
export { generateSigningKey, signAccessToken } from '@rideline/auth';
export { identitySettings, type IdentityConfig } from './settings.ts';
