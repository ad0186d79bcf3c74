import type { PrincipalKind } from '@rideline/auth';

/**
 * The WebSocket endpoints of websocket-api.md (the three of the reference contract and the
 * operators' live stream, an addition), and which kind of token opens each.
 */
export const ENDPOINTS = {
  bookings: { path: '/ws/bookings/', kind: 'user' },
  driver_bookings: { path: '/ws/driver/bookings/', kind: 'driver' },
  driver_available_bookings: { path: '/ws/driver/available_bookings/', kind: 'driver' },
  ops_live: { path: '/ws/ops/live', kind: 'operator' },
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
  // Operators only: the whole city's live view is for the people who run the service.
  ops_live: new Set([ENDPOINTS.ops_live.kind]),
};
