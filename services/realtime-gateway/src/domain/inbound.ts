import { findIllFormedText } from '@rideline/service-kit/text';
import type { Endpoint } from './endpoints.ts';

/** A frame a client may send; anything else is `malformed` and answered with the 400 body. */
export type InboundFrame =
  | { readonly type: 'location'; readonly lat: number; readonly lng: number }
  | { readonly type: 'refresh'; readonly token: string }
  | { readonly type: 'malformed' };

const MALFORMED: InboundFrame = { type: 'malformed' };
const MAX_TOKEN_LENGTH = 4_096;

const inRange = (value: unknown, limit: number): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= -limit && value <= limit;

/**
 * Reads one text frame: `{"type":"location","lat":..,"lng":..}` only on the available-bookings
 * endpoint (API.md, Drivers), `{"type":"refresh","token":".."}` on any. Extra fields are ignored.
 * `text` is null for binary frames, which no endpoint accepts.
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
  const frame = value as Record<string, unknown>;
  switch (frame['type']) {
    case 'location': {
      const { lat, lng } = frame;
      if (endpoint !== 'driver_available_bookings' || !inRange(lat, 90) || !inRange(lng, 180)) return MALFORMED;
      return { type: 'location', lat, lng };
    }
    case 'refresh': {
      const token = frame['token'];
      if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return MALFORMED;
      return { type: 'refresh', token };
    }
    default:
      return MALFORMED;
  }
}
