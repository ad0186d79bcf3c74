/**
 * The kinds of principal (API.md, Identity): riders ("users"), drivers, and operators (the
 * people who run the service; created from the command line, they log in on the ops console).
 */
export const PRINCIPAL_KINDS = ['user', 'driver', 'operator'] as const;

export type PrincipalKind = (typeof PRINCIPAL_KINDS)[number];

/** Who a request acts for: the access token's `kind` and `sub`. */
export interface Principal {
  readonly kind: PrincipalKind;
  /** The users.id or drivers.id (a UUID). */
  readonly id: string;
}

export const isPrincipalKind = (value: unknown): value is PrincipalKind =>
  value === 'user' || value === 'driver' || value === 'operator';

/**
 * The kinds a route of the rider and driver API admits when it names none: never an operator,
 * whose token opens the operator endpoints only.
 */
export const RIDE_PRINCIPAL_KINDS: readonly PrincipalKind[] = ['user', 'driver'];
