/**
 * Box corrections in the R-CNN parametrisation: the centre shift in units of the box's size and the log of the
 * size ratio, per axis: δ = ((cx' − cx) / w, (cy' − cy) / h, log(w' / w), log(h' / h)). Also the seeded jitter the
 * refiner trains on.
 */
import type { Box } from '../types';
import type { Rng } from '../util/rng';

/** Length of a box correction (dx, dy, log sx, log sy). */
export const BOX_DELTA_DIM = 4;

/** The correction that takes `from` to `to`, written into `out` at `offset`. */
export function boxDelta(
  from: Box,
  to: Box,
  out = new Float32Array(BOX_DELTA_DIM),
  offset = 0,
): Float32Array {
  out[offset] = (to.x + to.width / 2 - (from.x + from.width / 2)) / from.width;
  out[offset + 1] = (to.y + to.height / 2 - (from.y + from.height / 2)) / from.height;
  out[offset + 2] = Math.log(to.width / from.width);
  out[offset + 3] = Math.log(to.height / from.height);
  return out;
}

/** Applies a correction (δ at `offset` of `delta`) to a box: the inverse of {@link boxDelta}. */
export function boxApplyDelta(box: Box, delta: ArrayLike<number>, offset = 0): Box {
  const cx = box.x + box.width / 2 + delta[offset] * box.width;
  const cy = box.y + box.height / 2 + delta[offset + 1] * box.height;
  const w = box.width * Math.exp(delta[offset + 2]);
  const h = box.height * Math.exp(delta[offset + 3]);
  return { x: cx - w / 2, y: cy - h / 2, width: w, height: h };
}

/** How far boxes are jittered: uniform centre shifts and scale factors. */
export interface BoxJitter {
  /** Largest centre shift, as a fraction of the box's width (x) and height (y). @default 0.2 */
  centre?: number;
  /** Largest scale change: the factor lies in [1 − scale, 1 + scale]. @default 0.3 */
  scale?: number;
  /** Largest extra change of the aspect ratio (log-uniform in ±log(1 + aspect)). @default 0.1 */
  aspect?: number;
}

/** A box shifted and scaled at random within `jitter` (uniform draws from `rng`). */
export function boxJitter(box: Box, rng: Rng, jitter: BoxJitter = {}): Box {
  const c = jitter.centre ?? 0.2;
  const s = jitter.scale ?? 0.3;
  const a = Math.log(1 + (jitter.aspect ?? 0.1));
  const f = rng.uniform(1 - s, 1 + s);
  const r = Math.exp(rng.uniform(-a, a));
  return boxApplyDelta(box, [rng.uniform(-c, c), rng.uniform(-c, c), Math.log(f * r), Math.log(f / r)]);
}
