/** Identity of booking-service: riders and drivers, their tokens, and the guard for routes. */
export { identityRoutes, type IdentityDeps } from './routes.ts';
export {
  authenticate,
  authenticateWith,
  bearerToken,
  principalOf,
  ridePrincipalOf,
  type AdmittedKinds,
  type AuthenticateHook,
  type RidePrincipal,
} from './authenticate.ts';
export { loadSigningKeys, signingKeysOf, type KeyLogger, type SigningKeys } from './signing-key-store.ts';
export {
  accessTokenKeys,
  signAccessToken,
  verifyAccessToken,
  type AccessTokenClaims,
  type AccessTokenKeys,
  type AccessTokenVerification,
} from '@rideline/auth';
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
