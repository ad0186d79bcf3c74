import type { PrincipalKind } from '@rideline/auth';

/** The three WebSocket endpoints of websocket-api.md, and which kind of token opens each. */
export const ENDPOINTS = {
  bookings: { path: '/ws/bookings/', kind: 'user' },
  driver_bookings: { path: '/ws/driver/bookings/', kind: 'driver' },
  driver_available_bookings: { path: '/ws/driver/available_bookings/', kind: 'driver' },
} as const satisfies Record<string, { readonly path: string; readonly kind: PrincipalKind }>;

export type Endpoint = keyof typeof ENDPOINTS;

export const ENDPOINT_NAMES = Object.keys(ENDPOINTS) as Endpoint[];
