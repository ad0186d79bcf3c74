import { DEG, EARTH_RADIUS_M, METERS_PER_DEGREE, type LatLng } from './geo.ts';

/**
 * The cells of the geo index: rows of equal latitude height, each row cut into as many equal
 * longitude columns as keep a cell at most `cellSizeM` wide at the row's edge nearest the
 * equator. Cells therefore stay about `cellSizeM` square at every latitude (a row near a pole has
 * a handful of columns, not 40,000), and the columns of a row wrap around at ±180°, so the cells
 * either side of the antimeridian are neighbours like any other.
 *
 * A cell is keyed by one integer, `row * stride + column`: below 2^30 for cells of 1 km, so V8
 * keeps the keys as small integers.
 */
export class GridCells {
  readonly cellSizeM: number;
  readonly rowHeightDeg: number;
  readonly rowCount: number;
  readonly stride: number;
  private readonly columns: Int32Array;

  constructor(cellSizeM: number) {
    if (!(cellSizeM >= 10 && cellSizeM <= 1_000_000)) throw new RangeError(`cell size out of range: ${cellSizeM} m`);
    this.cellSizeM = cellSizeM;
    this.rowCount = Math.ceil((180 * METERS_PER_DEGREE) / cellSizeM);
    this.rowHeightDeg = 180 / this.rowCount;
    this.columns = new Int32Array(this.rowCount);
    let widest = 1;
    for (let row = 0; row < this.rowCount; row++) {
      const south = -90 + row * this.rowHeightDeg;
      const north = south + this.rowHeightDeg;
      const nearestEquatorDeg = south <= 0 && north >= 0 ? 0 : Math.min(Math.abs(south), Math.abs(north));
      const circumferenceM = 360 * METERS_PER_DEGREE * Math.cos(nearestEquatorDeg * DEG);
      const count = Math.max(1, Math.ceil(circumferenceM / cellSizeM - 1e-9));
      this.columns[row] = count;
      if (count > widest) widest = count;
    }
    this.stride = widest;
  }

  rowOf(latDeg: number): number {
    const row = Math.floor((latDeg + 90) / this.rowHeightDeg);
    return row < 0 ? 0 : row >= this.rowCount ? this.rowCount - 1 : row;
  }

  columnCount(row: number): number {
    return this.columns[row] ?? 1;
  }

  /** The column of `lngDeg` in `row`, for any longitude (wrapped into [0, count)). */
  columnOf(row: number, lngDeg: number): number {
    const count = this.columnCount(row);
    const column = Math.floor(((lngDeg + 180) * count) / 360) % count;
    return column < 0 ? column + count : column;
  }

  keyOf(latDeg: number, lngDeg: number): number {
    const row = this.rowOf(latDeg);
    return row * this.stride + this.columnOf(row, lngDeg);
  }

  /** The centre of the cell holding (latDeg, lngDeg): the same point for every point of the cell. */
  centreOf(latDeg: number, lngDeg: number): LatLng {
    const row = this.rowOf(latDeg);
    const column = this.columnOf(row, lngDeg);
    return { lat: -90 + (row + 0.5) * this.rowHeightDeg, lng: -180 + ((column + 0.5) * 360) / this.columnCount(row) };
  }

  key(row: number, column: number): number {
    const count = this.columnCount(row);
    const wrapped = column % count;
    return row * this.stride + (wrapped < 0 ? wrapped + count : wrapped);
  }
}

/** The latitude/longitude box that holds a spherical cap; `lngHalfWidthDeg` is Infinity when the cap reaches a pole. */
export interface CapBounds {
  readonly southDeg: number;
  readonly northDeg: number;
  readonly lngHalfWidthDeg: number;
}

/**
 * Bounds of every point within `radiusM` of (latDeg, lngDeg). The longitude half-width is the
 * cap's widest extent, asin(sin δ / cos φ), which is wider than the naive δ / cos φ near the poles
 * (the naive one misses points); a cap that reaches a pole spans every longitude.
 */
export function capBounds(latDeg: number, radiusM: number): CapBounds {
  const delta = radiusM / EARTH_RADIUS_M;
  const deltaDeg = delta / DEG;
  // Rounding slack: a point exactly on the cap's edge must stay inside the box.
  const southDeg = Math.max(-90, latDeg - deltaDeg - 1e-9);
  const northDeg = Math.min(90, latDeg + deltaDeg + 1e-9);
  if (delta >= Math.PI / 2 || Math.abs(latDeg) + deltaDeg >= 90) {
    return { southDeg, northDeg, lngHalfWidthDeg: Number.POSITIVE_INFINITY };
  }
  const ratio = Math.sin(delta) / Math.cos(latDeg * DEG);
  const lngHalfWidthDeg = ratio >= 1 ? Number.POSITIVE_INFINITY : (Math.asin(ratio) / DEG) * (1 + 1e-9) + 1e-9;
  return { southDeg, northDeg, lngHalfWidthDeg };
}
