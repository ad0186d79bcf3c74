/** Identity of booking-service: riders, drivers and operators, their tokens, and the guard for routes. */
export { identityRoutes, type IdentityDeps } from './routes.ts';
export { authenticate, bearerToken, principalOf, type AuthenticateHook } from '@rideline/auth';
export { ridePrincipalOf, type RidePrincipal } from './ride-principal.ts';
export { loadSigningKeys, signingKeysOf, type KeyLogger, type SigningKeys } from './signing-key-store.ts';
export { signAccessToken, type AccessTokenClaims, type AccessTokenVerification } from '@rideline/auth';
export {
  ACCESS_TOKEN_ALGORITHM,
  generateSigningKey,
  signingKeyFromPem,
  type Jwks,
  type PublicJwk,
  type SigningKey,
} from '@rideline/auth';
export { identitySettings, type IdentityConfig } from './settings.ts';
export { identityErrors } from './errors.ts';
export { PRINCIPAL_KINDS, isPrincipalKind, type Principal, type PrincipalKind } from '@rideline/auth';
