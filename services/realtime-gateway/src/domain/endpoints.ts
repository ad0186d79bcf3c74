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
