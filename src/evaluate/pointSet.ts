/**
 * Which landmarks an error runs over: every point, the scheme's inner points (the 49 of the 300-W / 300-VW
 * evaluation: iBUG-68 without the jaw and the two inner-lip corners) or an explicit list of indices.
 */
import { ShapeError, ValueError } from '../errors';
import { type LandmarkScheme, schemeFor } from '../landmarks/scheme';
import { describe } from '../util/validate';

/** 'all', 'inner' (the scheme's `innerPoints`) or 0-based point indices. */
export type PointSet = 'all' | 'inner' | readonly number[];

/** The point sets of the 300-W / 300-VW tables, by their usual names. */
export const POINT_SETS = ['all', 'inner'] as const;

/**
 * The indices of a point set for shapes of `nPoints` points (checked: in range, no repeats, not empty).
 * @example pointSetIndices('f', 'inner', 68).length // 49
 */
export function pointSetIndices(
  fn: string,
  points: unknown,
  nPoints: number,
  scheme?: LandmarkScheme,
): Int32Array {
  if (points === 'all') return Int32Array.from({ length: nPoints }, (_, i) => i);
  if (points === 'inner') {
    const s = scheme ?? schemeFor(nPoints);
    if (s.innerPoints === undefined || s.nPoints !== nPoints) {
      throw new ValueError(
        `${fn}: option 'points' 'inner' needs a scheme of ${nPoints} points with inner points, got ${s.name} (${s.nPoints} points${s.innerPoints ? '' : ', no inner points'})`,
      );
    }
    return Int32Array.from(s.innerPoints);
  }
  if (!Array.isArray(points) || points.length === 0) {
    throw new ValueError(
      `${fn}: option 'points' expected 'all', 'inner' or a non-empty array of point indices, got ${describe(points)}`,
    );
  }
  const seen = new Uint8Array(nPoints);
  const out = new Int32Array(points.length);
  points.forEach((i: unknown, q) => {
    if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= nPoints) {
      throw new ShapeError(
        `${fn}: option 'points[${q}]' expected a point index in 0..${nPoints - 1}, got ${describe(i)}`,
      );
    }
    if (seen[i]) throw new ValueError(`${fn}: option 'points' lists point ${i} twice`);
    seen[i] = 1;
    out[q] = i;
  });
  return out;
}
