/**
 * Benchmark of the dispatch geo index: updates/s and nearest-5-within-5-km latency with 100,000
 * drivers, against a linear scan of the same drivers in the same run. Several runs per area; the
 * table in RESULTS.md holds the medians. Single-threaded, so it measures one core.
 *
 *   pnpm bench            (tsx bench/geo-index.bench.ts)
 *   BENCH_RUNS=3 pnpm bench
 */
import { writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, totalmem } from 'node:os';
import { median, percentile } from '@rideline/stats';
import { DriverRegistry } from '../src/domain/driver-registry.ts';
import { distanceM, METERS_PER_DEGREE, DEG } from '../src/domain/geo.ts';
import { GeoIndex, type NearbyDriver } from '../src/domain/geo-index.ts';
import { seededRandom } from '../src/domain/seeded-random.ts';

const DRIVERS = 100_000;
const UPDATES = 200_000;
const QUERIES = 20_000;
const LINEAR_QUERIES = 300;
const RADIUS_M = 5000;
const K = 5;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const NOW = 1_800_000_000_000;

interface Area {
  readonly name: string;
  readonly centre: { readonly lat: number; readonly lng: number };
  readonly sizeKm: number;
}

const AREAS: readonly Area[] = [
  { name: 'city, 40 km × 40 km (Bengaluru)', centre: { lat: 12.97, lng: 77.59 }, sizeKm: 40 },
  { name: 'region, 400 km × 400 km (Karnataka)', centre: { lat: 14.5, lng: 76.0 }, sizeKm: 400 },
];

interface RunResult {
  readonly insertsPerS: number;
  readonly jumpUpdatesPerS: number;
  readonly stepUpdatesPerS: number;
  readonly index: Latency;
  readonly registry: Latency;
  readonly linear: Latency;
  readonly meanFound: number;
  readonly mismatches: number;
}

interface Latency {
  readonly p50Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
}

const nowNs = () => process.hrtime.bigint();
const secondsSince = (start: bigint) => Number(nowNs() - start) / 1e9;

function latency(samplesNs: Float64Array): Latency {
  const sorted = Float64Array.from(samplesNs).sort();
  return { p50Us: percentile(sorted, 50) / 1000, p99Us: percentile(sorted, 99) / 1000, maxUs: percentile(sorted, 100) / 1000 };
}

/** The obvious alternative: every driver's haversine distance, keeping the best K. */
function linearScan(lats: Float64Array, lngs: Float64Array, ids: readonly string[], lat: number, lng: number): NearbyDriver[] {
  const best: NearbyDriver[] = [];
  const query = { lat, lng };
  for (let i = 0; i < lats.length; i++) {
    const d = distanceM(query, { lat: lats[i] as number, lng: lngs[i] as number });
    if (d > RADIUS_M || (best.length === K && d >= (best[K - 1] as NearbyDriver).distanceM)) continue;
    let at = best.length === K ? K - 1 : best.length;
    while (at > 0 && (best[at - 1] as NearbyDriver).distanceM > d) {
      best[at] = best[at - 1] as NearbyDriver;
      at--;
    }
    best[at] = { driverId: ids[i] as string, distanceM: d };
  }
  return best;
}

function runOnce(area: Area, seed: number): RunResult {
  const random = seededRandom(seed);
  const halfLat = (area.sizeKm * 500) / METERS_PER_DEGREE;
  const halfLng = halfLat / Math.cos(area.centre.lat * DEG);
  const randomLat = () => area.centre.lat + (random() * 2 - 1) * halfLat;
  const randomLng = () => area.centre.lng + (random() * 2 - 1) * halfLng;
  const hex = () =>
    Math.floor(random() * 2 ** 32)
      .toString(16)
      .padStart(8, '0');
  const ids = Array.from({ length: DRIVERS }, () => `${hex()}-${hex().slice(0, 4)}-4${hex().slice(0, 3)}-${hex().slice(0, 4)}-${hex()}${hex().slice(0, 4)}`);
  const lats = new Float64Array(DRIVERS).map(randomLat);
  const lngs = new Float64Array(DRIVERS).map(randomLng);

  // Inserts.
  const index = new GeoIndex();
  let start = nowNs();
  for (let i = 0; i < DRIVERS; i++) index.upsert(ids[i] as string, lats[i] as number, lngs[i] as number, NOW);
  const insertsPerS = DRIVERS / secondsSince(start);

  // Updates: random drivers jumping anywhere in the area (nearly always a new cell), then random
  // drivers moving up to 50 m (a real ping every few seconds), drawn before the clock starts.
  const who = Uint32Array.from({ length: UPDATES }, () => Math.floor(random() * DRIVERS));
  const toLat = new Float64Array(UPDATES).map(randomLat);
  const toLng = new Float64Array(UPDATES).map(randomLng);
  start = nowNs();
  for (let u = 0; u < UPDATES; u++) {
    const i = who[u] as number;
    index.upsert(ids[i] as string, toLat[u] as number, toLng[u] as number, NOW + u);
  }
  const jumpUpdatesPerS = UPDATES / secondsSince(start);
  for (let u = 0; u < UPDATES; u++) {
    const i = who[u] as number;
    lats[i] = toLat[u] as number;
    lngs[i] = toLng[u] as number;
  }
  const stepLat = Float64Array.from({ length: UPDATES }, () => (random() * 2 - 1) * (50 / METERS_PER_DEGREE));
  const stepLng = Float64Array.from({ length: UPDATES }, () => (random() * 2 - 1) * (50 / METERS_PER_DEGREE));
  start = nowNs();
  for (let u = 0; u < UPDATES; u++) {
    const i = who[u] as number;
    const lat = (lats[i] as number) + (stepLat[u] as number);
    const lng = (lngs[i] as number) + (stepLng[u] as number);
    lats[i] = lat;
    lngs[i] = lng;
    index.upsert(ids[i] as string, lat, lng, NOW + UPDATES + u);
  }
  const stepUpdatesPerS = UPDATES / secondsSince(start);

  // The same drivers in the registry (all available, all fresh): the query matching makes.
  const registry = new DriverRegistry();
  for (let i = 0; i < DRIVERS; i++) {
    registry.apply({ type: 'LocationReported', driverId: ids[i] as string, lat: lats[i] as number, lng: lngs[i] as number, atMs: NOW });
    registry.apply({ type: 'AvailabilityReported', driverId: ids[i] as string, available: true, atMs: NOW });
  }

  // Queries: nearest 5 within 5 km of random points, each timed on its own.
  const qLat = new Float64Array(QUERIES).map(randomLat);
  const qLng = new Float64Array(QUERIES).map(randomLng);
  const indexNs = new Float64Array(QUERIES);
  const registryNs = new Float64Array(QUERIES);
  const answers: NearbyDriver[][] = [];
  let found = 0;
  for (let q = 0; q < QUERIES; q++) {
    const t0 = nowNs();
    const answer = index.nearest(qLat[q] as number, qLng[q] as number, { radiusM: RADIUS_M, limit: K });
    indexNs[q] = Number(nowNs() - t0);
    found += answer.length;
    if (q < LINEAR_QUERIES) answers.push(answer);
  }
  for (let q = 0; q < QUERIES; q++) {
    const t0 = nowNs();
    registry.nearestEligible(qLat[q] as number, qLng[q] as number, NOW, { radiusM: RADIUS_M, limit: K });
    registryNs[q] = Number(nowNs() - t0);
  }
  const linearNs = new Float64Array(LINEAR_QUERIES);
  let mismatches = 0;
  for (let q = 0; q < LINEAR_QUERIES; q++) {
    const t0 = nowNs();
    const answer = linearScan(lats, lngs, ids, qLat[q] as number, qLng[q] as number);
    linearNs[q] = Number(nowNs() - t0);
    const fromIndex = answers[q] ?? [];
    if (answer.map((d) => d.driverId).join() !== fromIndex.map((d) => d.driverId).join()) mismatches++;
  }
  return {
    insertsPerS,
    jumpUpdatesPerS,
    stepUpdatesPerS,
    index: latency(indexNs),
    registry: latency(registryNs),
    linear: latency(linearNs),
    meanFound: found / QUERIES,
    mismatches,
  };
}

const fmtRate = (perS: number) => `${Math.round(perS / 1000).toLocaleString('en-US')} k/s`;
const fmtUs = (us: number) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`);

const loadAtStart = loadavg()[0] ?? 0; // other work on this shared machine skews the numbers
const benchStart = nowNs();
runOnce({ ...AREAS[0], name: 'warm-up' } as Area, 1); // let the JIT settle before anything counts
const rows: string[] = [];
let totalMismatches = 0;
for (const area of AREAS) {
  const runs: RunResult[] = [];
  for (let r = 0; r < RUNS; r++) {
    runs.push(runOnce(area, 100 + r));
    const last = runs[runs.length - 1] as RunResult;
    totalMismatches += last.mismatches;
    console.log(
      `${area.name} run ${r + 1}/${RUNS}: ${fmtRate(last.jumpUpdatesPerS)} jumps, ${fmtRate(last.stepUpdatesPerS)} steps, index p50 ${fmtUs(last.index.p50Us)} p99 ${fmtUs(last.index.p99Us)}, linear p50 ${fmtUs(last.linear.p50Us)} p99 ${fmtUs(last.linear.p99Us)}, mismatches ${last.mismatches}`,
    );
  }
  const m = (pick: (run: RunResult) => number) => median(runs.map(pick));
  rows.push(
    `| ${area.name} | ${fmtRate(m((x) => x.insertsPerS))} | ${fmtRate(m((x) => x.jumpUpdatesPerS))} | ${fmtRate(m((x) => x.stepUpdatesPerS))} ` +
      `| ${fmtUs(m((x) => x.index.p50Us))} / ${fmtUs(m((x) => x.index.p99Us))} ` +
      `| ${fmtUs(m((x) => x.registry.p50Us))} / ${fmtUs(m((x) => x.registry.p99Us))} ` +
      `| ${fmtUs(m((x) => x.linear.p50Us))} / ${fmtUs(m((x) => x.linear.p99Us))} ` +
      `| ${(m((x) => x.linear.p50Us) / m((x) => x.index.p50Us)).toFixed(0)}× / ${(m((x) => x.linear.p99Us) / m((x) => x.index.p99Us)).toFixed(0)}× ` +
      `| ${m((x) => x.meanFound).toFixed(2)} |`,
  );
}
const elapsedS = secondsSince(benchStart);

const cpu = cpus();
const report = `# Geo index benchmark

Written by \`pnpm bench\` (\`bench/geo-index.bench.ts\`); medians of ${RUNS} runs per area, after one
warm-up run. Each run: ${DRIVERS.toLocaleString('en-US')} drivers with UUID-like ids, uniformly
random over the area; ${UPDATES.toLocaleString('en-US')} updates of random drivers;
${QUERIES.toLocaleString('en-US')} queries "nearest ${K} within ${RADIUS_M / 1000} km" from
random points, each timed alone with \`process.hrtime.bigint()\`; the linear scan answers the first
${LINEAR_QUERIES} of them in the same run, and its answers are compared with the index's.

- **jumps**: a random driver moves to a random point of the area (nearly always a new cell).
- **steps**: a random driver moves up to 50 m (a real GPS ping).
- **index**: \`GeoIndex.nearest\`; **registry**: \`DriverRegistry.nearestEligible\`, the same query
  plus the eligibility check (available, fresh, free) that matching makes.
- **linear scan**: every driver's haversine distance, keeping the best ${K}.

| area | inserts | updates (jumps) | updates (steps) | index p50 / p99 | registry p50 / p99 | linear scan p50 / p99 | speed-up p50 / p99 | drivers found (mean) |
|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Answers differing between the index and the linear scan: ${totalMismatches} (of ${LINEAR_QUERIES * RUNS * AREAS.length}).

Machine: ${cpu[0]?.model ?? 'unknown CPU'} (${cpu.length} logical cores, one used), ${Math.round(totalmem() / 2 ** 30)} GiB,
${platform()} ${arch()}, Node ${process.version}; ${new Date().toISOString()}; whole benchmark ${elapsedS.toFixed(0)} s;
load average at the start ${loadAtStart.toFixed(2)} (above 1 means other processes shared the cores).
`;
writeFileSync(new URL('./RESULTS.md', import.meta.url), report);
console.log(`\n${report}`);
if (totalMismatches > 0) process.exitCode = 1;
