/**
 * Eye-based measures of a shape, read through the scheme: the inter-ocular distance (outer eye corners,
 * the 300-W normaliser) and the pupils (mean of each eye's points).
 */
import { ShapeError, ValueError } from '../errors';
import type { Shape } from '../types';
import { type LandmarkScheme, schemeFor } from './scheme';
import { shapeValidate } from './shape';

function schemeChecked(fn: string, shape: Shape, scheme: LandmarkScheme | undefined): LandmarkScheme {
  const n = shape.length >> 1;
  const s = scheme ?? schemeFor(n);
  if (s.nPoints !== n) {
    throw new ShapeError(
      `${fn}: argument 'scheme' expected a scheme of ${n} points (the shape's), got ${s.name} with ${s.nPoints} points`,
    );
  }
  return s;
}

/**
 * Distance between the outer eye corners (`scheme.eyeCorners.right[0]` and `.left[0]`). `scheme`
 * defaults to schemeFor(N); a scheme without eye corners is a ValueError.
 * @example const nme = shapeRmsDistance(p, t) / interOcular(t)
 */
export function interOcular(shape: Shape, scheme?: LandmarkScheme): number {
  shapeValidate('interOcular', 'shape', shape);
  const s = schemeChecked('interOcular', shape, scheme);
  if (s.eyeCorners === undefined) {
    throw new ValueError(`interOcular: argument 'scheme' expected a scheme with eye corners, got ${s.name}`);
  }
  const a = s.eyeCorners.right[0];
  const b = s.eyeCorners.left[0];
  return Math.hypot(shape[2 * a] - shape[2 * b], shape[2 * a + 1] - shape[2 * b + 1]);
}

/** Pupil positions in the shape's coordinates. `right`/`left` are the subject's eyes. */
export interface Pupils {
  right: [number, number];
  left: [number, number];
}

function meanOf(shape: Shape, idx: readonly number[]): [number, number] {
  let x = 0;
  let y = 0;
  for (const i of idx) {
    x += shape[2 * i];
    y += shape[2 * i + 1];
  }
  return [x / idx.length, y / idx.length];
}

/**
 * The pupils: the mean of each eye's points (`scheme.pupils`). `scheme` defaults to schemeFor(N);
 * a scheme without pupils is a ValueError.
 * @example const { right, left } = pupils(s); const iod = Math.hypot(right[0] - left[0], right[1] - left[1])
 */
export function pupils(shape: Shape, scheme?: LandmarkScheme): Pupils {
  shapeValidate('pupils', 'shape', shape);
  const s = schemeChecked('pupils', shape, scheme);
  if (s.pupils === undefined) {
    throw new ValueError(`pupils: argument 'scheme' expected a scheme with pupils, got ${s.name}`);
  }
  return { right: meanOf(shape, s.pupils.right), left: meanOf(shape, s.pupils.left) };
}
