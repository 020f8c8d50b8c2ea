/**
 * Boundary checks for packed shape sets: M shapes of N points in one Float32Array (M × 2N, each row
 * interleaved x, y), the layout every function in `classes/` takes.
 */
import { ShapeError, ValueError } from '../errors';
import { assertInteger, describe } from '../util/validate';

/**
 * Checks that `v` is a Float32Array of whole rows of 2·nPoints finite numbers (at least `minRows` rows)
 * and returns the number of rows. ShapeError for the type or length, ValueError for a NaN/∞ entry.
 */
export function assertPackedShapes(
  fn: string,
  name: string,
  v: unknown,
  nPoints: number,
  minRows = 1,
): number {
  assertInteger(fn, 'nPoints', nPoints, 1);
  if (!(v instanceof Float32Array)) {
    throw new ShapeError(
      `${fn}: argument '${name}' expected a Float32Array of packed shapes (M × ${2 * nPoints}), got ${describe(v)}`,
    );
  }
  const dim = 2 * nPoints;
  if (v.length % dim !== 0 || v.length / dim < minRows) {
    throw new ShapeError(
      `${fn}: argument '${name}' expected a length that is a multiple of 2·nPoints = ${dim} (at least ${minRows} shape${minRows === 1 ? '' : 's'}), got length ${v.length}`,
    );
  }
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) {
      throw new ValueError(
        `${fn}: argument '${name}' expected finite coordinates, got ${v[i]} at shape ${Math.floor(i / dim)}, point ${(i % dim) >> 1}`,
      );
    }
  }
  return v.length / dim;
}
