import { assertLatLng, DEG, metersToTerm, termToMeters } from './geo.ts';
import { capBounds, GridCells } from './grid-cells.ts';

export interface NearestQuery {
  /** Only points at most this far (great-circle metres) from the query point. */
  readonly radiusM: number;
  /** At most this many results; keep it small (results are kept sorted by insertion). */
  readonly limit: number;
  /** Only points placed (upserted) at or after this time: a stale-ping cut-off checked without lookups. */
  readonly minUpdatedAtMs?: number;
  /** Asked only of points that would make the result; false skips the point. */
  readonly isEligible?: (driverId: string) => boolean;
}

export interface NearbyDriver {
  readonly driverId: string;
  readonly distanceM: number;
}

export interface GeoIndexOptions {
  /** Edge of a grid cell; ~1 km suits city densities of 10–1,000 drivers per km². */
  readonly cellSizeM?: number;
}

const INITIAL_CAPACITY = 1024;

/**
 * Moving points (drivers) on a grid of ~1 km cells (see GridCells and GEO_INDEX.md), answering
 * "the k nearest within r metres" with exact great-circle distances.
 *
 * Points live in slots of typed arrays as unit vectors on the sphere: the chord between two unit
 * vectors gives the haversine term exactly (h = chord² / 4), so ranking a candidate costs no
 * trigonometry. A cell holds the slots in it; a move within a cell only rewrites the slot.
 *
 * The search grows a radius ρ in steps, scanning only the cells that each new ρ adds, and
 * stops when ρ reaches the query radius or when k results are at most ρ away: every point within ρ
 * has been seen by then, so the answer equals a linear scan's.
 */
export class GeoIndex {
  private readonly grid: GridCells;
  private readonly cells = new Map<number, number[]>();
  private readonly slotOf = new Map<string, number>();
  private readonly freeSlots: number[] = [];
  private ids: (string | undefined)[] = [];
  private x = new Float64Array(INITIAL_CAPACITY);
  private y = new Float64Array(INITIAL_CAPACITY);
  private z = new Float64Array(INITIAL_CAPACITY);
  private atMs = new Float64Array(INITIAL_CAPACITY);
  private cellKey = new Float64Array(INITIAL_CAPACITY);
  private indexInCell = new Int32Array(INITIAL_CAPACITY);
  private used = 0;

  constructor(options: GeoIndexOptions = {}) {
    this.grid = new GridCells(options.cellSizeM ?? 1000);
  }

  get size(): number {
    return this.slotOf.size;
  }

  has(driverId: string): boolean {
    return this.slotOf.has(driverId);
  }

  /** When the point was last placed, or undefined if it is not in the index. */
  updatedAtMs(driverId: string): number | undefined {
    const slot = this.slotOf.get(driverId);
    return slot === undefined ? undefined : this.atMs[slot];
  }

  /**
   * Places or moves a point. A report older than the one held (by `atMs`) is ignored, so late or
   * replayed pings cannot move a driver back; returns whether the point was placed.
   */
  upsert(driverId: string, lat: number, lng: number, atMs: number): boolean {
    assertLatLng(lat, lng);
    const key = this.grid.keyOf(lat, lng);
    let slot = this.slotOf.get(driverId);
    if (slot === undefined) {
      slot = this.allocateSlot(driverId);
      this.addToCell(slot, key);
    } else {
      if (atMs < (this.atMs[slot] ?? Number.NEGATIVE_INFINITY)) return false;
      if (this.cellKey[slot] !== key) {
        this.removeFromCell(slot);
        this.addToCell(slot, key);
      }
    }
    const phi = lat * DEG;
    const lambda = lng * DEG;
    const cosPhi = Math.cos(phi);
    this.x[slot] = cosPhi * Math.cos(lambda);
    this.y[slot] = cosPhi * Math.sin(lambda);
    this.z[slot] = Math.sin(phi);
    this.atMs[slot] = atMs;
    return true;
  }

  remove(driverId: string): boolean {
    const slot = this.slotOf.get(driverId);
    if (slot === undefined) return false;
    this.removeFromCell(slot);
    this.slotOf.delete(driverId);
    this.ids[slot] = undefined;
    this.freeSlots.push(slot);
    return true;
  }

  /** The nearest points within `radiusM`, nearest first (ties by id), at most `limit`. */
  nearest(lat: number, lng: number, query: NearestQuery): NearbyDriver[] {
    assertLatLng(lat, lng);
    const { radiusM, isEligible } = query;
    const limit = Math.floor(query.limit); // Infinity: everyone within the radius
    const minUpdatedAtMs = query.minUpdatedAtMs ?? Number.NEGATIVE_INFINITY;
    if (!(radiusM >= 0)) throw new RangeError(`radius out of range: ${radiusM}`);
    if (!(limit >= 1) || this.slotOf.size === 0) return [];

    const phi = lat * DEG;
    const lambda = lng * DEG;
    const qx = Math.cos(phi) * Math.cos(lambda);
    const qy = Math.cos(phi) * Math.sin(lambda);
    const qz = Math.sin(phi);
    const grid = this.grid;
    const { cells, ids, x, y, z, atMs } = this;
    const radiusTerm = metersToTerm(radiusM);

    // The best so far, sorted by (term, id); `worst*` is the entry a newcomer must beat once full.
    const bestTerm: number[] = [];
    const bestSlot: number[] = [];
    let worstTerm = radiusTerm;
    let worstId: string | undefined;

    // Per row of the outer box: the columns already scanned (unwrapped, lo..hi), or none.
    const outer = capBounds(lat, radiusM);
    const firstRow = grid.rowOf(outer.southDeg);
    const rowSpan = grid.rowOf(outer.northDeg) - firstRow + 1;
    const scannedLo = new Int32Array(rowSpan);
    const scannedHi = new Int32Array(rowSpan);
    const scanned = new Uint8Array(rowSpan);

    const scanColumns = (row: number, from: number, to: number): void => {
      for (let column = from; column <= to; column++) {
        const cell = cells.get(grid.key(row, column));
        if (cell === undefined) continue;
        for (let i = 0; i < cell.length; i++) {
          const slot = cell[i] as number;
          const dx = (x[slot] as number) - qx;
          const dy = (y[slot] as number) - qy;
          const dz = (z[slot] as number) - qz;
          const term = (dx * dx + dy * dy + dz * dz) / 4;
          if (term > worstTerm || (atMs[slot] as number) < minUpdatedAtMs) continue;
          const id = ids[slot] as string;
          if (term === worstTerm && worstId !== undefined && id >= worstId) continue;
          if (isEligible !== undefined && !isEligible(id)) continue;
          let at = bestTerm.length;
          if (at === limit) at--; // the worst falls off
          while (at > 0) {
            const before = bestTerm[at - 1] as number;
            if (before < term || (before === term && (ids[bestSlot[at - 1] as number] as string) < id)) break;
            bestTerm[at] = before;
            bestSlot[at] = bestSlot[at - 1] as number;
            at--;
          }
          bestTerm[at] = term;
          bestSlot[at] = slot;
          if (bestTerm.length === limit) {
            worstTerm = bestTerm[limit - 1] as number;
            worstId = ids[bestSlot[limit - 1] as number];
          }
        }
      }
    };

    // ρ grows by a third of a cell (measured best in a dense city: the first box holds about one
    // cell), and by a quarter of itself once that is more, so a wide radius takes few steps.
    for (let rho = Math.min(radiusM, grid.cellSizeM / 3); ; rho = Math.min(radiusM, rho + Math.max(grid.cellSizeM / 3, rho / 4))) {
      const box = capBounds(lat, rho);
      const lastRow = grid.rowOf(box.northDeg);
      for (let row = grid.rowOf(box.southDeg); row <= lastRow; row++) {
        const count = grid.columnCount(row);
        const r = row - firstRow;
        const seen = scanned[r] === 1;
        const seenLo = scannedLo[r] as number;
        const seenHi = scannedHi[r] as number;
        if (seen && seenHi - seenLo + 1 >= count) continue; // the whole row is done
        let lo = Math.floor(((lng - box.lngHalfWidthDeg + 180) * count) / 360);
        let hi = Math.floor(((lng + box.lngHalfWidthDeg + 180) * count) / 360);
        if (!(hi - lo + 1 < count)) {
          lo = seen ? seenLo : 0; // the whole row: what is left of it
          hi = lo + count - 1;
        }
        if (!seen) {
          scanColumns(row, lo, hi);
        } else {
          if (lo < seenLo) scanColumns(row, lo, seenLo - 1);
          if (hi > seenHi) scanColumns(row, seenHi + 1, hi);
        }
        scanned[r] = 1;
        scannedLo[r] = seen ? Math.min(lo, seenLo) : lo;
        scannedHi[r] = seen ? Math.max(hi, seenHi) : hi;
      }
      if (rho >= radiusM) break;
      if (bestTerm.length === limit && worstTerm <= metersToTerm(rho)) break;
    }

    const result: NearbyDriver[] = [];
    for (let i = 0; i < bestTerm.length; i++) {
      result.push({ driverId: ids[bestSlot[i] as number] as string, distanceM: termToMeters(bestTerm[i] as number) });
    }
    return result;
  }

  private allocateSlot(driverId: string): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      if (this.used === this.x.length) this.grow();
      slot = this.used++;
    }
    this.ids[slot] = driverId;
    this.slotOf.set(driverId, slot);
    return slot;
  }

  private addToCell(slot: number, key: number): void {
    let cell = this.cells.get(key);
    if (cell === undefined) {
      cell = [];
      this.cells.set(key, cell);
    }
    this.indexInCell[slot] = cell.length;
    cell.push(slot);
    this.cellKey[slot] = key;
  }

  /** Swap-remove: the cell's last slot takes the place of the leaving one. */
  private removeFromCell(slot: number): void {
    const key = this.cellKey[slot] as number;
    const cell = this.cells.get(key);
    if (cell === undefined) return;
    const at = this.indexInCell[slot] as number;
    const last = cell.pop() as number;
    if (last !== slot) {
      cell[at] = last;
      this.indexInCell[last] = at;
    }
    if (cell.length === 0) this.cells.delete(key);
  }

  private grow(): void {
    const capacity = this.x.length * 2;
    const grown = <T extends Float64Array | Int32Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    this.x = grown(this.x, new Float64Array(capacity));
    this.y = grown(this.y, new Float64Array(capacity));
    this.z = grown(this.z, new Float64Array(capacity));
    this.atMs = grown(this.atMs, new Float64Array(capacity));
    this.cellKey = grown(this.cellKey, new Float64Array(capacity));
    this.indexInCell = grown(this.indexInCell, new Int32Array(capacity));
  }
}
