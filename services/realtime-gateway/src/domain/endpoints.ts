import type { PrincipalKind } from '@rideline/auth';

/** The three WebSocket endpoints of websocket-api.md, and the kind of principal each speaks to. */
export const ENDPOINTS = {
  bookings: { path: '/ws/bookings/', kind: 'user' },
  driver_bookings: { path: '/ws/driver/bookings/', kind: 'driver' },
  driver_available_bookings: { path: '/ws/driver/available_bookings/', kind: 'driver' },
} as const satisfies Record<string, { readonly path: string; readonly kind: PrincipalKind }>;

export type Endpoint = keyof typeof ENDPOINTS;

export const ENDPOINT_NAMES = Object.keys(ENDPOINTS) as Endpoint[];

/**
 * The kinds of token that open each endpoint (and may refresh a socket on it): today the one
 * kind it speaks to; a set, so a kind admitted to watch an endpoint is one more entry.
 */
export const ADMITTED_KINDS: { readonly [E in Endpoint]: ReadonlySet<PrincipalKind> } = {
  bookings: new Set([ENDPOINTS.bookings.kind]),
  driver_bookings: new Set([ENDPOINTS.driver_bookings.kind]),
  driver_available_bookings: new Set([ENDPOINTS.driver_available_bookings.kind]),
};
