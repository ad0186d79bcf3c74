/** The kinds of principal (API.md, Identity): riders ("users") and drivers. */
export const PRINCIPAL_KINDS = ['user', 'driver'] as const;

export type PrincipalKind = (typeof PRINCIPAL_KINDS)[number];

/** Who a request acts for: the access token's `kind` and `sub`. */
export interface Principal {
  readonly kind: PrincipalKind;
  /** The users.id or drivers.id (a UUID). */
  readonly id: string;
}

export const isPrincipalKind = (value: unknown): value is PrincipalKind =>
  (PRINCIPAL_KINDS as readonly unknown[]).includes(value);
