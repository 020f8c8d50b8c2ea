/**
 * The paper's baseline for video: a 3-frame temporal low-pass filter on the per-frame shapes (each coordinate the
 * weighted mean of the previous, current and next frame's). At the ends the missing neighbour's weight is dropped
 * and the rest renormalised.
 */
import { ShapeError, ValueError } from '../errors';
import type { Shape } from '../types';
import { assertFiniteArray, describe } from '../util/validate';

/** Options of `shapesLowPass`. */
export interface ShapesLowPassOptions {
  /** Weights of frames t − 1, t, t + 1 (non-negative, positive sum). @default [1, 1, 1] (the paper's 3-frame mean) */
  weights?: readonly [number, number, number];
}

/**
 * The shapes smoothed over time by the 3-frame low-pass filter (any coordinates: pixels or box units).
 * @example const smooth = shapesLowPass(perFrameShapes)
 */
export function shapesLowPass(shapes: readonly Shape[], opts: ShapesLowPassOptions = {}): Shape[] {
  const fn = 'shapesLowPass';
  if (!Array.isArray(shapes) || shapes.length === 0) {
    throw new ShapeError(
      `${fn}: argument 'shapes' expected a non-empty array of shapes, got ${describe(shapes)}`,
    );
  }
  const D = shapes[0] instanceof Float32Array ? shapes[0].length : 0;
  for (let t = 0; t < shapes.length; t++) {
    if (!(shapes[t] instanceof Float32Array)) {
      throw new ShapeError(
        `${fn}: argument 'shapes' expected Float32Array shapes, got ${describe(shapes[t])} at frame ${t}`,
      );
    }
    assertFiniteArray(fn, `shapes[${t}]`, shapes[t], D);
  }
  const w = opts.weights ?? [1, 1, 1];
  assertFiniteArray(fn, 'weights', w, 3);
  if (w.some((x) => x < 0) || !(w[0] + w[1] + w[2] > 0) || !(w[1] > 0)) {
    throw new ValueError(
      `${fn}: argument 'weights' expected three non-negative weights with a positive centre, got [${w.join(', ')}]`,
    );
  }
  const T = shapes.length;
  const out: Shape[] = [];
  for (let t = 0; t < T; t++) {
    const o = new Float32Array(D);
    let W = 0;
    for (let d = -1; d <= 1; d++) {
      const u = t + d;
      if (u < 0 || u >= T) continue;
      const wt = w[d + 1];
      W += wt;
      const s = shapes[u];
      for (let i = 0; i < o.length; i++) o[i] += wt * s[i];
    }
    for (let i = 0; i < o.length; i++) o[i] /= W;
    out.push(o);
  }
  return out;
}
