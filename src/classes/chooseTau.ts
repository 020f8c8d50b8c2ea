/**
 * Choosing tau on validation data.
 *
 * tau trades two things. A larger radius gives each training example more positive classes in the
 * multi-label loss (eq. 8-9), which shares statistical strength between neighbouring classes and is
 * what makes K = M trainable; but a classifier trained to fire on all of M_i can at best return M_i, and
 * the shape it then predicts, the mean of M_i's centres (a uniform posterior over M_i), drifts from the
 * truth as M_i grows. We call the RMS point error of that mean the *oracle error* of tau: the error floor
 * that training with tau imposes even with a perfect classifier (an empty set falls back to the nearest
 * class, as an argmax would).
 *
 * The oracle error is not monotone in tau: with K ≪ M the nearest centre alone carries the quantisation
 * error, and averaging the few centres around the truth cancels part of it, so the curve first falls and
 * then rises (on the 300-W shapes with K = 200: 0.038 with the nearest centre, 0.033 at tau ≈ 0.06, 0.078
 * at 0.2; see test/classes.300w.test.ts).
 *
 * Rule 'min-error' (the default): the largest candidate whose mean oracle error over the validation shapes
 * is within a factor (1 + slack) of the smallest — the most positives that cost (almost) nothing in
 * precision. Rule 'max-error': the largest candidate with oracle error ≤ maxError (an absolute budget).
 * Rule 'median-size': the candidate whose median |M_i| is nearest a target (ties to the smaller tau), for
 * matching a membership size such as the paper's Fig. 4. All come from one blocked pass at the largest
 * candidate.
 */
import { ValueError } from '../errors';
import { assertFiniteNumber, assertInRange, assertOneOf, describe } from '../util/validate';
import type { Warnings } from '../util/warnings';
import { type BlockOptions, assertBlockOptions, prepareReference, releaseReference } from './blockDistances';
import { radiusScan } from './radiusScan';
import { assertTable, assertTableShapes, assertTau } from './tableShapes';
import type { ClassTable } from './types';

/** How chooseTau picks among the candidates. */
export type TauCriterion =
  /** The largest tau whose mean oracle error is ≤ (1 + slack) × the smallest over the candidates. */
  | { kind: 'min-error'; slack: number }
  /** The largest tau whose mean oracle error (RMS point distance, box units) is ≤ maxError. */
  | { kind: 'max-error'; maxError: number }
  /** The tau whose median |M_i| is nearest `target`. */
  | { kind: 'median-size'; target: number };

export interface ChooseTauOptions extends BlockOptions {
  /**
   * Radii to consider (RMS point distance, box units; any order).
   * @default 16 values spaced geometrically from 0.005 to 0.2
   */
  candidates?: ArrayLike<number>;
  /** @default { kind: 'min-error', slack: 0.05 } */
  criterion?: TauCriterion;
  /** Receives 'tau-none-within-error' when no candidate meets maxError (the smallest is chosen). */
  warnings?: Warnings;
}

/** What `chooseTau` returns: the chosen tau and, per candidate, the oracle error and set sizes. */
export interface TauChoice {
  /** The chosen radius. */
  tau: number;
  /** Its index in `candidates`. */
  index: number;
  /** The candidates, ascending. */
  candidates: Float64Array;
  /** Per candidate: mean and median |M_i| and the fraction of empty sets over the validation shapes. */
  meanSize: Float64Array;
  medianSize: Float64Array;
  fractionEmpty: Float64Array;
  /** Per candidate: mean oracle error (RMS point distance of the mean of M_i's centres to the truth). */
  oracleError: Float64Array;
  criterion: TauCriterion;
}

/** The default tau candidates: 16 radii spaced geometrically from 0.005 to 0.2 (RMS box units). */
export const DEFAULT_TAU_CANDIDATES: readonly number[] = Object.freeze(
  Array.from({ length: 16 }, (_, i) => 0.005 * Math.pow(40, i / 15)),
);
/** The default rule: the largest tau whose oracle error is within 5 % of the minimum. */
export const DEFAULT_TAU_CRITERION: TauCriterion = Object.freeze({ kind: 'min-error', slack: 0.05 });

/**
 * Chooses tau for `table` on validation shapes (V × 2N, box coordinates; shapes not used to build the
 * table, or the oracle error is optimistic), returning the per-candidate curves too.
 * @example const { tau, oracleError } = chooseTau(table, valShapes, { criterion: { kind: 'max-error', maxError: 0.03 } })
 */
export function chooseTau(
  table: ClassTable,
  valShapes: Float32Array,
  options: ChooseTauOptions = {},
): TauChoice {
  const fn = 'chooseTau';
  assertTable(fn, table);
  const V = assertTableShapes(fn, table, valShapes, 'valShapes');
  assertBlockOptions(fn, options);
  const raw = options.candidates ?? DEFAULT_TAU_CANDIDATES;
  if (raw === null || typeof raw !== 'object' || typeof raw.length !== 'number' || raw.length === 0) {
    throw new ValueError(
      `${fn}: argument 'candidates' expected a non-empty array of radii, got ${describe(raw)}`,
    );
  }
  for (let i = 0; i < raw.length; i++) assertTau(fn, raw[i], `candidates[${i}]`);
  const candidates = Float64Array.from(raw).sort();
  const criterion = options.criterion ?? DEFAULT_TAU_CRITERION;
  assertOneOf(fn, 'criterion.kind', criterion?.kind, ['min-error', 'max-error', 'median-size'] as const);
  if (criterion.kind === 'min-error') assertInRange(fn, 'criterion.slack', criterion.slack, 0, Infinity);
  else if (criterion.kind === 'max-error') assertFiniteNumber(fn, 'criterion.maxError', criterion.maxError);
  else assertFiniteNumber(fn, 'criterion.target', criterion.target);

  const C = candidates.length;
  const N = table.nPoints;
  const dim = 2 * N;
  const thresholds = Float64Array.from(candidates, (t) => t * t * N);
  const sizes = new Int32Array(C * V); // [candidate][row]
  const errSum = new Float64Array(C);
  const acc = new Float64Array(dim);
  const centers = table.centers;
  let order = new Int32Array(0);

  const p = prepareReference(centers, table.K, dim, options);
  try {
    radiusScan(valShapes, V, centers, p, thresholds[C - 1], (row, idx, d2, count, nearest) => {
      if (order.length < count) order = new Int32Array(Math.max(count, 2 * order.length));
      for (let t = 0; t < count; t++) order[t] = t;
      const ord = order.subarray(0, count).sort((a, b) => d2[a] - d2[b] || idx[a] - idx[b]);
      acc.fill(0);
      let taken = 0;
      const y = row * dim;
      for (let c = 0; c < C; c++) {
        while (taken < count && d2[ord[taken]] <= thresholds[c]) {
          const o = idx[ord[taken]] * dim;
          for (let j = 0; j < dim; j++) acc[j] += centers[o + j];
          taken++;
        }
        sizes[c * V + row] = taken;
        let e = 0;
        if (taken > 0) {
          for (let j = 0; j < dim; j++) e += (acc[j] / taken - valShapes[y + j]) ** 2;
        } else {
          const o = nearest * dim;
          for (let j = 0; j < dim; j++) e += (centers[o + j] - valShapes[y + j]) ** 2;
        }
        errSum[c] += Math.sqrt(e / N);
      }
    });
  } finally {
    releaseReference(p);
  }

  const meanSize = new Float64Array(C);
  const medianSize = new Float64Array(C);
  const fractionEmpty = new Float64Array(C);
  const oracleError = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    const s = sizes
      .subarray(c * V, (c + 1) * V)
      .slice()
      .sort();
    let sum = 0;
    let empty = 0;
    for (let i = 0; i < V; i++) {
      sum += s[i];
      if (s[i] === 0) empty++;
    }
    meanSize[c] = sum / V;
    medianSize[c] = V % 2 ? s[V >> 1] : (s[V / 2 - 1] + s[V / 2]) / 2;
    fractionEmpty[c] = empty / V;
    oracleError[c] = errSum[c] / V;
  }

  let index = 0;
  if (criterion.kind === 'min-error') {
    let best = Infinity;
    for (let c = 0; c < C; c++) best = Math.min(best, oracleError[c]);
    for (let c = 0; c < C; c++) if (oracleError[c] <= best * (1 + criterion.slack)) index = c;
  } else if (criterion.kind === 'max-error') {
    index = -1;
    for (let c = 0; c < C; c++) if (oracleError[c] <= criterion.maxError) index = c;
    if (index < 0) {
      index = 0;
      options.warnings?.warn(
        'tau-none-within-error',
        `chooseTau: no candidate has oracle error ≤ ${criterion.maxError} (smallest ${oracleError[0].toFixed(4)} at tau = ${candidates[0]}); chose the smallest candidate`,
      );
    }
  } else {
    for (let c = 1; c < C; c++) {
      if (Math.abs(medianSize[c] - criterion.target) < Math.abs(medianSize[index] - criterion.target))
        index = c;
    }
  }
  return {
    tau: candidates[index],
    index,
    candidates,
    meanSize,
    medianSize,
    fractionEmpty,
    oracleError,
    criterion,
  };
}
