/**
 * Left-right flipping of shapes with the scheme's mirror permutation: after mirroring x, point i of the
 * result is (mirrored) point `mirror[i]` of the input, so a flipped subject's left eye is again labelled
 * as the left eye.
 */
import { ShapeError, ValueError } from '../errors';
import type { Shape } from '../types';
import { assertPositive } from '../util/validate';
import { type LandmarkScheme, schemeFor } from './scheme';
import { shapeValidate } from './shape';

function mirrorOf(fn: string, shape: Shape, scheme: LandmarkScheme): Int32Array {
  const n = shape.length >> 1;
  if (scheme.nPoints !== n) {
    throw new ShapeError(
      `${fn}: argument 'scheme' expected a scheme of ${n} points (the shape's), got ${scheme.name} with ${scheme.nPoints} points`,
    );
  }
  if (scheme.mirror === null) {
    throw new ValueError(
      `${fn}: argument 'scheme' expected a scheme with a mirror permutation, got ${scheme.name} without one`,
    );
  }
  return scheme.mirror;
}

function flipAbout(shape: Shape, mirror: Int32Array, axis: number): Float32Array {
  const n = shape.length >> 1;
  const out = new Float32Array(shape.length);
  for (let i = 0; i < n; i++) {
    const j = mirror[i];
    out[2 * i] = axis - shape[2 * j];
    out[2 * i + 1] = shape[2 * j + 1];
  }
  return out;
}

/**
 * Mirror a pixel shape in an image of width `imageWidth`: x → imageWidth − 1 − x (pixel centres), then
 * relabel with the scheme's mirror permutation. `scheme` defaults to schemeFor(N).
 * @example const f = shapeFlip(sample.landmarks, sample.image.width)
 */
export function shapeFlip(shape: Shape, imageWidth: number, scheme?: LandmarkScheme): Float32Array {
  shapeValidate('shapeFlip', 'shape', shape);
  assertPositive('shapeFlip', 'imageWidth', imageWidth);
  const mirror = mirrorOf('shapeFlip', shape, scheme ?? schemeFor(shape.length >> 1));
  return flipAbout(shape, mirror, imageWidth - 1);
}

/**
 * Mirror a shape in box coordinates: x → 1 − x, then relabel with the scheme's mirror permutation.
 * @example const f = shapeFlipNormalized(norm, ibug68)
 */
export function shapeFlipNormalized(norm: Shape, scheme?: LandmarkScheme): Float32Array {
  shapeValidate('shapeFlipNormalized', 'norm', norm);
  return flipAbout(norm, mirrorOf('shapeFlipNormalized', norm, scheme ?? schemeFor(norm.length >> 1)), 1);
}
