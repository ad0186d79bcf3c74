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

export const isPrincipalKind = (value: unknown): value is PrincipalKind => (PRINCIPAL_KINDS as readonly unknown[]).includes(value);

/**
 * The kinds the rider and driver API admits: never an operator, whose token opens the operator
 * endpoints only. Routes name it in `authenticate({ kinds })`.
 */
export const RIDE_PRINCIPAL_KINDS = ['user', 'driver'] as const satisfies readonly PrincipalKind[];
