/**
 * The 300-VW "hard" subset: the faces farthest from the mean shape. A face's distance is the error of the mean
 * shape placed in its own ground-truth box (mean point distance / box diagonal), so it measures how unusual the
 * shape is (pose, expression), not where the face is.
 */
import { ValueError } from '../errors';
import { assertPackedShapes } from '../classes/packedShapes';
import { shapeBox, shapeFromBox, shapeToBox } from '../landmarks/box';
import { assertInRange, describe } from '../util/validate';

/** Options of {@link hardSubset}. */
export interface HardSubsetOptions {
  /** Share of faces in the subset (at least one face). @default 0.1 */
  fraction?: number;
  /** The mean shape in box coordinates (2N). @default the mean of `gt`, each normalised to its own box */
  meanShape?: Float32Array;
}

/** What {@link hardSubset} returns. */
export interface HardSubset {
  /** Indices of the hard faces, ascending. */
  indices: Int32Array;
  /** Every face's distance from the mean shape (mean point distance / box diagonal). */
  distances: Float64Array;
  /** The smallest distance inside the subset. */
  threshold: number;
  /** The mean shape used, in box coordinates. */
  meanShape: Float32Array;
}

/**
 * The `fraction` of ground-truth shapes (packed B × 2N, pixels) farthest from the mean shape.
 * @example const { indices } = evaluate.hardSubset(gts, 68) // the 10 % hardest faces
 */
export function hardSubset(gt: Float32Array, nPoints: number, opts: HardSubsetOptions = {}): HardSubset {
  const fn = 'hardSubset';
  assertPackedShapes(fn, 'gt', gt, nPoints);
  const fraction = opts.fraction ?? 0.1;
  assertInRange(fn, 'fraction', fraction, 0, 1);
  const dim = 2 * nPoints;
  const B = gt.length / dim;
  let mean = opts.meanShape;
  if (mean === undefined) {
    const acc = new Float64Array(dim);
    for (let m = 0; m < B; m++) {
      const s = gt.subarray(m * dim, (m + 1) * dim);
      const n = shapeToBox(s, shapeBox(s));
      for (let j = 0; j < dim; j++) acc[j] += n[j];
    }
    mean = Float32Array.from(acc, (v) => v / B);
  } else if (!(mean instanceof Float32Array) || mean.length !== dim) {
    throw new ValueError(
      `${fn}: option 'meanShape' expected a Float32Array of ${dim} box coordinates, got ${describe(mean)}`,
    );
  }
  const distances = new Float64Array(B);
  for (let m = 0; m < B; m++) {
    const s = gt.subarray(m * dim, (m + 1) * dim);
    const box = shapeBox(s);
    const diag = Math.hypot(box.width, box.height);
    if (!(diag > 0)) {
      throw new ValueError(`${fn}: ground truth ${m} is degenerate: its box diagonal is ${diag}`);
    }
    const p = shapeFromBox(mean, box);
    let e = 0;
    for (let i = 0; i < nPoints; i++) e += Math.hypot(p[2 * i] - s[2 * i], p[2 * i + 1] - s[2 * i + 1]);
    distances[m] = e / nPoints / diag;
  }
  const count = Math.min(B, Math.max(1, Math.round(fraction * B)));
  const order = Array.from({ length: B }, (_, i) => i).sort((a, b) => distances[b] - distances[a] || a - b);
  const indices = Int32Array.from(order.slice(0, count)).sort();
  return { indices, distances, threshold: distances[order[count - 1]], meanShape: mean };
}
