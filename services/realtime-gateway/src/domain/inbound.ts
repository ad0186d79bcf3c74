import { findIllFormedText } from '@rideline/service-kit/text';
import { isLocationFrame, isRefreshFrame, type LocationFrame, type RefreshFrame } from '@rideline/contracts';
import type { Endpoint } from './endpoints.ts';

/** A frame a client may send (the contract's `ClientFrame`); anything else is `malformed`, answered with the 400 body. */
export type InboundFrame = LocationFrame | RefreshFrame | { readonly type: 'malformed' };

const MALFORMED: InboundFrame = { type: 'malformed' };

/**
 * Reads one text frame against the contract's schemas: `location` only on the
 * available-bookings endpoint (API.md, Drivers), `refresh` on any. Extra fields are ignored and
 * not passed on. `text` is null for binary frames, which no endpoint accepts.
 */
export function parseInboundFrame(endpoint: Endpoint, text: string | null): InboundFrame {
  if (text === null) return MALFORMED;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return MALFORMED;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return MALFORMED;
  // The HTTP services' rule for text (service-kit's well-formed-text): a lone surrogate or NUL
  // anywhere makes the frame malformed, so ill-formed text never reaches the token verifier or the
  // logs. Only a `\u` escape can produce one (the socket refuses invalid UTF-8, JSON raw control
  // characters), so frames without one skip the walk.
  if (text.includes('\\u') && findIllFormedText(value, 'frame') !== null) return MALFORMED;
  if (isLocationFrame(value)) {
    if (endpoint !== 'driver_available_bookings') return MALFORMED;
    return { type: 'location', lat: value.lat, lng: value.lng };
  }
  if (isRefreshFrame(value)) return { type: 'refresh', token: value.token };
  return MALFORMED;
}
