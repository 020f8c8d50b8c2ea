/**
 * The data of the teaching widget, computed in Node: for each K, the class centres (k-means, or the
 * exemplars themselves at K = M), the distance of one example to every centre (from which the page
 * draws the membership set M_i = {k : d ≤ tau} for any tau by thresholding, exactly as
 * `classes.membership` decides it) and the quantisation error of the best class, for that example and
 * on average over all training shapes.
 */
import { classTableExemplars } from '../classes/classTableExemplars';
import { classTableFromKmeans } from '../classes/classTableFromKmeans';
import { membership } from '../classes/membership';
import { assertPackedShapes } from '../classes/packedShapes';
import { ValueError } from '../errors';
import { assertInteger, describe } from '../util/validate';
import type { TeachingLevel, TeachingState } from './widgetStates';

/** Options of `teachingState`. */
export interface TeachingStateOptions {
  /** Class counts, ascending; values ≥ M become the exemplar table (K = M). @default [10, 20, 50, 100, M] */
  Ks?: number[];
  /** Training shape shown as the example. @default 0 */
  example?: number;
  /** Seed of k-means. @default 0 */
  seed?: number;
  /** Initial tau. @default 0.05 */
  tau?: number;
  /** Heading shown above the widget (as text). @default none */
  title?: string;
}

/** Distances farther than any shape pair in box coordinates: every class is "within" this. */
const ALL_CLASSES_RADIUS = 1e3;

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/**
 * Precomputes the teaching widget's levels from M training shapes (M × 2N, box coordinates).
 * @example show(widgetHtml('teaching', teachingState(data.trainShapes, 68, { Ks: [10, 50, 200] })))
 */
export function teachingState(
  shapes: Float32Array,
  nPoints: number,
  opts: TeachingStateOptions = {},
): TeachingState {
  const fn = 'teachingState';
  const M = assertPackedShapes(fn, 'shapes', shapes, nPoints);
  const example = opts.example ?? 0;
  assertInteger(fn, 'opts.example', example, 0, M - 1);
  const Ks = [...new Set((opts.Ks ?? [10, 20, 50, 100, M]).map((k) => Math.min(k, M)))].sort((a, b) => a - b);
  Ks.forEach((k, i) => assertInteger(fn, `opts.Ks[${i}]`, k, 1));
  const tau = opts.tau ?? 0.05;
  if (!(Number.isFinite(tau) && tau > 0)) {
    throw new ValueError(`${fn}: argument 'opts.tau' expected a radius > 0, got ${describe(opts.tau)}`);
  }
  const dim = 2 * nPoints;
  const exampleShape = shapes.subarray(example * dim, (example + 1) * dim);
  const levels = Ks.map((K): TeachingLevel => {
    const table =
      K === M
        ? classTableExemplars(shapes, nPoints)
        : classTableFromKmeans(shapes, nPoints, { K, seed: opts.seed ?? 0 });
    // Every class within a radius larger than any distance: the full distance rows, from membership itself.
    const all = membership(table, shapes, ALL_CLASSES_RADIUS, { withDistances: true });
    const d = all.distances as Float32Array;
    let sum = 0;
    for (let i = 0; i < M; i++) {
      let min = Infinity;
      for (let j = all.offsets[i]; j < all.offsets[i + 1]; j++) min = Math.min(min, d[j]);
      sum += min;
    }
    const distances = new Array<number>(K);
    for (let j = all.offsets[example]; j < all.offsets[example + 1]; j++) distances[all.indices[j]] = d[j];
    let best = 0;
    for (let k = 1; k < K; k++) if (distances[k] < distances[best]) best = k;
    return {
      K,
      centers: Array.from(table.centers, round4),
      distances: distances.map((x) => Math.round(x * 1e6) / 1e6),
      best,
      bestError: distances[best],
      meanError: sum / M,
    };
  });
  return {
    kind: 'exemplar-landmarks/teaching',
    ...(opts.title === undefined ? {} : { title: String(opts.title) }),
    nPoints,
    M,
    example,
    exampleShape: Array.from(exampleShape, round4),
    levels,
    tauMin: 0.005,
    tauMax: 0.2,
    tau,
  };
}
