/**
 * Basic operations on 2D shapes (interleaved `[x0, y0, x1, y1, …]` Float32Arrays): the boundary check,
 * centroid, mean of many shapes and the RMS point distance.
 */
import { ShapeError, ValueError } from '../errors';
import type { Shape } from '../types';
import { assertInteger, describe } from '../util/validate';
import { centroidOf, rmsDistanceOf, shapesAt, shapesCount } from './kernels';

/**
 * The boundary check for a shape argument: a Float32Array of even, non-zero length (and of `nPoints`
 * points when given) whose coordinates are all finite.
 * Throws ShapeError for a wrong type, odd length or wrong point count (saying expected and got) and
 * ValueError for a NaN or infinite coordinate (saying which point).
 * @example shapeValidate('myFn', 'shape', s, 68)
 */
export function shapeValidate(
  fn: string,
  name: string,
  shape: unknown,
  nPoints?: number,
): asserts shape is Float32Array {
  if (!(shape instanceof Float32Array)) {
    throw new ShapeError(
      `${fn}: argument '${name}' expected a Float32Array of interleaved x,y coordinates, got ${describe(shape)}`,
    );
  }
  const len = shape.length;
  if (len === 0 || len % 2 !== 0) {
    throw new ShapeError(
      `${fn}: argument '${name}' expected an even, non-zero length (x,y pairs), got length ${len}`,
    );
  }
  if (nPoints !== undefined && len !== 2 * nPoints) {
    throw new ShapeError(
      `${fn}: argument '${name}' expected ${nPoints} points (length ${2 * nPoints}), got ${len / 2} points (length ${len})`,
    );
  }
  for (let i = 0; i < len; i++) {
    if (!Number.isFinite(shape[i])) {
      throw new ValueError(
        `${fn}: argument '${name}' expected finite coordinates, got ${i % 2 === 0 ? 'x' : 'y'} = ${shape[i]} at point ${i >> 1}`,
      );
    }
  }
}

/**
 * The centroid (mean point) of a shape.
 * @example const [cx, cy] = shapeCentroid(s)
 */
export function shapeCentroid(shape: Shape): [number, number] {
  shapeValidate('shapeCentroid', 'shape', shape);
  return centroidOf(shape);
}

/**
 * Checks a collection of shapes given either as an array of shapes or as one packed M×2N Float32Array,
 * and returns the number of shapes M. Throws ShapeError/ValueError naming the argument (and the shape index).
 */
export function shapesValidate(
  fn: string,
  name: string,
  shapes: unknown,
  nPoints: number,
): asserts shapes is Float32Array[] | Float32Array {
  assertInteger(fn, 'nPoints', nPoints, 1);
  const d = 2 * nPoints;
  if (shapes instanceof Float32Array) {
    if (shapes.length === 0 || shapes.length % d !== 0) {
      throw new ShapeError(
        `${fn}: argument '${name}' expected a packed M×${d} Float32Array (M ≥ 1 shapes of ${nPoints} points), got length ${shapes.length}`,
      );
    }
    for (let i = 0; i < shapes.length; i++) {
      if (!Number.isFinite(shapes[i])) {
        const m = Math.floor(i / d);
        const j = i - m * d;
        throw new ValueError(
          `${fn}: argument '${name}' expected finite coordinates, got ${j % 2 === 0 ? 'x' : 'y'} = ${shapes[i]} at shape ${m} point ${j >> 1}`,
        );
      }
    }
    return;
  }
  if (!Array.isArray(shapes) || shapes.length === 0) {
    throw new ShapeError(
      `${fn}: argument '${name}' expected a non-empty array of shapes or a packed Float32Array, got ${describe(shapes)}`,
    );
  }
  for (let m = 0; m < shapes.length; m++) shapeValidate(fn, `${name}[${m}]`, shapes[m], nPoints);
}

/**
 * The point-wise mean of M shapes, given as an array of shapes or one packed M×2N Float32Array
 * (accumulated in double precision).
 * @example const mean = shapeMean(trainShapes, 68)
 */
export function shapeMean(shapes: Float32Array[] | Float32Array, nPoints: number): Float32Array {
  shapesValidate('shapeMean', 'shapes', shapes, nPoints);
  const d = 2 * nPoints;
  const m = shapesCount(shapes, nPoints);
  const acc = new Float64Array(d);
  for (let k = 0; k < m; k++) {
    const s = shapesAt(shapes, nPoints, k);
    for (let i = 0; i < d; i++) acc[i] += s[i];
  }
  const out = new Float32Array(d);
  for (let i = 0; i < d; i++) out[i] = acc[i] / m;
  return out;
}

/**
 * Root-mean-square point distance between two shapes of the same point count: ‖a − b‖ / √N.
 * @example shapeRmsDistance(predicted, truth) / interOcular(truth)
 */
export function shapeRmsDistance(a: Shape, b: Shape): number {
  shapeValidate('shapeRmsDistance', 'a', a);
  shapeValidate('shapeRmsDistance', 'b', b, a.length >> 1);
  return rmsDistanceOf(a, b);
}
