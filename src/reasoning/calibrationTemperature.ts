/**
 * Temperature scaling of a posterior, and its fit on validation faces (issue 10, part 6): p_k^(1/T) renormalised,
 * with T chosen by a 1-D search (golden section on log T) minimising the mean negative log-likelihood of the true
 * shapes under the mixture (`calibrationNll`). T > 1 flattens an over-confident posterior, T < 1 sharpens an
 * under-confident one.
 *
 * A sparse posterior's left-out mass ε is read as spread evenly over the classes it does not keep (ε / (K − kept)
 * each) and tempered as such; the result is again sparse, with the tempered ε.
 */
import { ShapeError, ValueError } from '../errors';
import type { Box } from '../types';
import { assertInRange, assertPositive, describe } from '../util/validate';
import { mixtureLogDensity } from './mixture';
import {
  type PosteriorLike,
  type ReasoningTable,
  type SparsePosterior,
  posteriorValidate,
} from './posterior';

/**
 * The posterior at temperature T: p_k^(1/T) / Σ_j p_j^(1/T) (same form as the input: dense → Float64Array, sparse →
 * SparsePosterior). T = 1 returns the same probabilities.
 * @example const calibrated = posteriorTemper(prediction.posterior, fit.temperature)
 */
export function posteriorTemper(
  posterior: PosteriorLike,
  T: number,
  K?: number,
): Float64Array | SparsePosterior {
  const fn = 'posteriorTemper';
  assertPositive(fn, 'T', T);
  const k = K ?? (isSparse(posterior) ? posterior.K : posterior.length);
  posteriorValidate(fn, posterior, k);
  return temper(posterior, 1 / T);
}

function isSparse(p: PosteriorLike): p is SparsePosterior {
  return !(p instanceof Float32Array || p instanceof Float64Array);
}

/** @internal Tempering with exponent a = 1/T on a validated posterior (log space against overflow). */
export function temper(p: PosteriorLike, a: number): Float64Array | SparsePosterior {
  if (!isSparse(p)) {
    const out = new Float64Array(p.length);
    let m = -Infinity;
    for (let k = 0; k < p.length; k++) if (p[k] > 0) m = Math.max(m, Math.log(p[k]));
    let s = 0;
    for (let k = 0; k < p.length; k++) s += out[k] = p[k] > 0 ? Math.exp(a * (Math.log(p[k]) - m)) : 0;
    for (let k = 0; k < p.length; k++) out[k] /= s;
    return out;
  }
  const n = p.indices.length;
  const rest = p.K - n;
  const logRest = rest > 0 && p.epsilon > 0 ? Math.log(p.epsilon / rest) : -Infinity;
  let m = logRest;
  for (let i = 0; i < n; i++) if (p.probs[i] > 0) m = Math.max(m, Math.log(p.probs[i]));
  const probs = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) s += probs[i] = p.probs[i] > 0 ? Math.exp(a * (Math.log(p.probs[i]) - m)) : 0;
  const eps = logRest > -Infinity ? rest * Math.exp(a * (logRest - m)) : 0;
  s += eps;
  for (let i = 0; i < n; i++) probs[i] /= s;
  // Tempering keeps the order, so the kept classes stay most probable first.
  return { kind: 'sparse-posterior', K: p.K, indices: p.indices, probs, epsilon: eps / s };
}

/** One validation face: its posterior, its box and its true shape in pixels (and optionally its true yaw). */
export interface CalibrationItem {
  readonly posterior: PosteriorLike;
  /** The box the posterior's shapes are placed in (the detection box the model saw). */
  readonly box: Box;
  /** True landmarks in pixels (2N, interleaved). */
  readonly shape: Float32Array | Float64Array;
  /** True head yaw in degrees (for the yaw intervals' coverage). */
  readonly yaw?: number;
}

/** @internal Checks the items array (each item's parts are checked by the functions that read them). */
export function assertItems(fn: string, items: readonly CalibrationItem[]): void {
  if (!Array.isArray(items) || items.length === 0) {
    throw new ShapeError(
      `${fn}: argument 'items' expected a non-empty array of validation faces, got ${describe(items)}`,
    );
  }
  items.forEach((it, i) => {
    if (typeof it !== 'object' || it === null || it.box === undefined || it.shape === undefined) {
      throw new ValueError(
        `${fn}: argument 'items[${i}]' expected { posterior, box, shape }, got ${describe(it)}`,
      );
    }
  });
}

/** The unit box: shapes in box coordinates. */
const UNIT_BOX: Box = { x: 0, y: 0, width: 1, height: 1 };

/** @internal The true shape in the item's box coordinates. */
export function shapeInBox(it: CalibrationItem): Float64Array {
  const { x, y, width, height } = it.box;
  const out = new Float64Array(it.shape.length);
  for (let j = 0; j < out.length; j += 2) {
    out[j] = (it.shape[j] - x) / width;
    out[j + 1] = (it.shape[j + 1] - y) / height;
  }
  return out;
}

/**
 * Negative log-likelihood of each face's true shape under its posterior's mixture (eq. 3, spherical Gaussians with
 * the classes' sigma), in box coordinates (so faces of any size compare): −ln p(y) with y = the true shape in its
 * box. Lower is better; per landmark, divide by N.
 * @example const nll = calibrationNll(items, table) // Float64Array, one per face
 */
export function calibrationNll(
  items: readonly CalibrationItem[],
  table: ReasoningTable,
  T = 1,
): Float64Array {
  const fn = 'calibrationNll';
  assertItems(fn, items);
  assertPositive(fn, 'T', T);
  return Float64Array.from(items, (it) => {
    const p = T === 1 ? it.posterior : posteriorTemper(it.posterior, T, table.K);
    return -mixtureLogDensity(p, table, UNIT_BOX, shapeInBox(it));
  });
}

/** Options of `calibrationFitTemperature`. */
export interface FitTemperatureOptions {
  /** Search range of T. @default [0.05, 20] */
  range?: readonly [number, number];
  /** Stop when the bracket on log T is narrower than this. @default 1e-3 */
  tolerance?: number;
}

/** What `calibrationFitTemperature` returns. */
export interface TemperatureFit {
  /** The fitted temperature. */
  temperature: number;
  /** Mean NLL (box coordinates) at T = 1 and at the fitted T. */
  nllBefore: number;
  nllAfter: number;
  /** Evaluations of the mean NLL the search made. */
  evaluations: number;
  /** True when the optimum lies at an end of the range (widen it). */
  atBound: boolean;
}

/**
 * The temperature that minimises the validation faces' mean NLL (golden-section search on log T; the mean NLL of a
 * tempered mixture is smooth in log T, and unimodal in practice).
 * @example const fit = calibrationFitTemperature(validationItems, table); posteriorTemper(p, fit.temperature)
 */
export function calibrationFitTemperature(
  items: readonly CalibrationItem[],
  table: ReasoningTable,
  opts: FitTemperatureOptions = {},
): TemperatureFit {
  const fn = 'calibrationFitTemperature';
  assertItems(fn, items);
  const [lo, hi] = opts.range ?? [0.05, 20];
  assertPositive(fn, 'range[0]', lo);
  assertPositive(fn, 'range[1]', hi);
  if (!(lo < hi)) throw new ValueError(`${fn}: argument 'range' expected lo < hi, got [${lo}, ${hi}]`);
  const tolerance = opts.tolerance ?? 1e-3;
  assertInRange(fn, 'tolerance', tolerance, 1e-9, 1);
  // Validate once (items, table, posteriors) through the T = 1 pass.
  const base = calibrationNll(items, table);
  const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length;
  const nllBefore = mean(base);
  let evaluations = 1;
  const f = (logT: number): number => {
    evaluations++;
    return mean(calibrationNll(items, table, Math.exp(logT)));
  };
  const g = (Math.sqrt(5) - 1) / 2;
  let a = Math.log(lo);
  let b = Math.log(hi);
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (b - a > tolerance) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  const logT = (a + b) / 2;
  const nllAfter = f(logT);
  const temperature = Math.exp(logT);
  const atBound = logT - Math.log(lo) < 2 * tolerance || Math.log(hi) - logT < 2 * tolerance;
  return { temperature, nllBefore, nllAfter, evaluations, atBound };
}
