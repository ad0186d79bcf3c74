import type { LatLng } from './geo.ts';
import { GridCells } from './grid-cells.ts';

/**
 * Edge of the cells a driver's position is coarsened to before anything about it leaves the
 * service. A constant, not a setting: it is a privacy guarantee (README, "Driver privacy").
 */
export const COARSE_CELL_SIZE_M = 200;

const cells = new GridCells(COARSE_CELL_SIZE_M);

/**
 * A driver's position as the outside may know it: the centre of the fixed ~200 m cell (rows of
 * equal latitude, ~200 m columns; see GridCells) that holds it. Every point of a cell gives the same
 * centre, so whatever is computed from it (distances, the radius filter, the order) tells nothing
 * finer than the cell. Matching never uses it: offers go by the exact position.
 */
export function coarsePosition(lat: number, lng: number): LatLng {
  return cells.centreOf(lat, lng);
}
