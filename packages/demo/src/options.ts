import { parseArgs } from 'node:util';
import { stringFlags } from '@rideline/stats/options';

export interface DemoOptions {
  readonly riders: number;
  readonly drivers: number;
  readonly durationS: number;
  readonly center: { readonly lat: number; readonly lng: number };
  readonly radiusKm: number;
  readonly bookingUrl: string;
  readonly dispatchUrl: string;
  readonly gatewayUrl: string;
}

const HELP = `pnpm demo [options]: riders and drivers play whole rides against the running system
  --riders N        riders (default 10)
  --drivers N       drivers (default 15)
  --duration S      seconds riders keep booking (default 60)
  --center LAT,LNG  city centre (default 12.9716,77.5946)
  --radius KM       city radius (default 4)
  --booking URL     booking-service (default $BOOKING_URL or http://127.0.0.1:3001)
  --dispatch URL    dispatch-service (default $DISPATCH_URL or http://127.0.0.1:3002)
  --gateway URL     realtime-gateway (default $GATEWAY_URL or http://127.0.0.1:3000)`;

export function readOptions(argv: string[]): DemoOptions {
  const { values } = parseArgs({
    args: argv,
    options: stringFlags(['riders', 'drivers', 'duration', 'center', 'radius', 'booking', 'dispatch', 'gateway']),
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    process.exit(0);
  }
  const positive = (name: string, raw: string | undefined, fallback: number) => {
    const value = raw === undefined ? fallback : Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number (got ${raw})`);
    return value;
  };
  const [lat, lng] = (values.center ?? '12.9716,77.5946').split(',').map(Number);
  if (lat === undefined || lng === undefined || !(Math.abs(lat) <= 90) || !(Math.abs(lng) <= 180)) {
    throw new Error(`--center must be LAT,LNG (got ${values.center})`);
  }
  return {
    riders: Math.round(positive('riders', values.riders, 10)),
    drivers: Math.round(positive('drivers', values.drivers, 15)),
    durationS: positive('duration', values.duration, 60),
    center: { lat, lng },
    radiusKm: positive('radius', values.radius, 4),
    bookingUrl: values.booking ?? process.env['BOOKING_URL'] ?? 'http://127.0.0.1:3001',
    dispatchUrl: values.dispatch ?? process.env['DISPATCH_URL'] ?? 'http://127.0.0.1:3002',
    gatewayUrl: values.gateway ?? process.env['GATEWAY_URL'] ?? 'http://127.0.0.1:3000',
  };
}
