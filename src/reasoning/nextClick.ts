/**
 * The best next click, as an active query: for each candidate landmark, the error expected to remain after the user
 * clicks it, estimated by simulating clicks from the current posterior (draw a class from the posterior, the landmark
 * from that class's Gaussian, the click from the landmark plus the click's noise), conditioning on each (soft
 * evidence, `posteriorCondition`'s likelihood) and averaging the conditional posterior's total spread
 * (sqrt(mean_i tr Cov_i), pixels). Every candidate is scored on the same simulated draws (common random numbers: the
 * same classes and the same standard-normal offsets), so the ranking compares landmarks rather than the luck of each
 * landmark's own draws (with independent draws the smallest of 68 noisy estimates is mostly the luckiest one).
 * Landmarks ranked by it, smallest first. Seeded: the same inputs give the same ranking.
 *
 * `oracleBestClick` is the paper's simulated upper bound (Table 3, "best 1-pt"): it knows the true shape, clicks each
 * landmark at its true position and keeps the landmark whose conditioned shape is closest to the truth.
 */
import { ShapeError, ValueError } from '../errors';
import type { Box } from '../types';
import { Rng } from '../util/rng';
import { assertInteger, assertPositive, describe } from '../util/validate';
import { landmarkName, landmarkResolve, tableScheme, type LandmarkRef } from './landmarkRef';
import { shapeOf } from './landmarkMoments';
import type { PosteriorLike, PosteriorSupport, ReasoningTable } from './posterior';
import { conditionSupport, shapeAndSnap } from './posteriorCondition';
import { topOfWeights } from './posteriorTopOf';
import { prepare, prepareBox, type PixelFrame } from './support';
import type { ResolvedEvidence } from './evidence';

const LOG_2PI = Math.log(2 * Math.PI);

/** Options of `nextClick`. */
export interface NextClickOptions {
  /** Simulated clicks per landmark. @default 8 */
  samples?: number;
  /** The click's noise sd in pixels (the conditioning's sigma). @default 1 % of the box diagonal */
  sigma?: number;
  /** Landmarks to rank. @default every landmark */
  candidates?: readonly LandmarkRef[];
  /** Seed of the simulated clicks. @default 0 */
  seed?: number;
  /**
   * Simulate on the posterior's most probable classes only, at most this many (renormalised; `massUsed` says how much
   * of the posterior they hold). The cost is landmarks × samples × classes × 2N; `Infinity` uses every class.
   * @default 500
   */
  maxClasses?: number;
}

/** One ranked landmark. */
export interface RankedLandmark {
  landmark: number;
  name: string;
  /** Expected total spread after clicking it (pixels) — or, for oracleBestClick, the true mean point error. */
  error: number;
}

/** What `nextClick` returns. */
export interface NextClickResult {
  /** Candidates, best (smallest expected remaining spread) first. */
  ranking: RankedLandmark[];
  /** The total spread now, before any click (pixels), over the classes used. */
  currentError: number;
  /** Classes the simulation used, and the posterior mass they hold (1 − the sparse posterior's ε when all are used). */
  classesUsed: number;
  massUsed: number;
}

function candidateList(fn: string, table: ReasoningTable, c?: readonly LandmarkRef[]): number[] {
  const scheme = tableScheme(table);
  if (c === undefined) return Array.from({ length: table.nPoints }, (_, j) => j);
  if (!Array.isArray(c) || c.length === 0) {
    throw new ShapeError(
      `${fn}: argument 'candidates' expected a non-empty array of landmarks, got ${describe(c)}`,
    );
  }
  return c.map((r, i) => landmarkResolve(fn, r, scheme, `candidates[${i}]`));
}

/** Total spread sqrt(mean_i tr Cov_i) of a support, skipping weights below `skip` (they change nothing visible). */
function totalSpread(
  s: PosteriorSupport,
  w: Float64Array,
  table: ReasoningTable,
  f: PixelFrame,
  q: Float64Array,
  acc: Float64Array,
  skip: number,
): number {
  const D = 2 * table.nPoints;
  acc.fill(0);
  let eq = 0;
  let used = 0;
  for (let t = 0; t < w.length; t++) {
    const wt = w[t];
    if (!(wt > skip)) continue;
    used += wt;
    eq += wt * q[t];
    const o = s.indices[t] * D;
    for (let d = 0; d < D; d++) acc[d] += wt * table.centers[o + d];
  }
  let m2 = 0;
  for (let d = 0; d < D; d += 2) {
    const mx = acc[d] / used;
    const my = acc[d + 1] / used;
    m2 += mx * mx * f.w * f.w + my * my * f.h * f.h;
  }
  // q in box units scaled to pixels per coordinate: see qOf
  return Math.sqrt(Math.max(0, eq / used - m2) / table.nPoints);
}

/** Per support entry: Σ_i ‖mu_ki‖² (pixel-scaled, about the box origin) + N (s_x² + s_y²). */
function qOf(s: PosteriorSupport, table: ReasoningTable, f: PixelFrame): Float64Array {
  const N = table.nPoints;
  const D = 2 * N;
  const q = new Float64Array(s.indices.length);
  for (let t = 0; t < q.length; t++) {
    const k = s.indices[t];
    const o = k * D;
    let v = 0;
    for (let d = 0; d < D; d += 2) {
      const x = table.centers[o + d] * f.w;
      const y = table.centers[o + d + 1] * f.h;
      v += x * x + y * y;
    }
    const sg = table.sigma[k];
    q[t] = v + N * sg * sg * (f.sdx * f.sdx + f.sdy * f.sdy);
  }
  return q;
}

/**
 * Ranks landmarks by the error expected to remain after clicking them (see the module comment).
 * @example const { ranking } = nextClick(sp, table, box, { samples: 16, seed: 1 }); ranking[0].name // e.g. 'jaw.8'
 */
export function nextClick(
  posterior: PosteriorLike,
  table: ReasoningTable,
  box: Box,
  opts: NextClickOptions = {},
): NextClickResult {
  const fn = 'nextClick';
  const all = prepare(fn, posterior, table);
  const maxClasses = opts.maxClasses ?? 500;
  if (maxClasses !== Infinity) assertInteger(fn, 'maxClasses', maxClasses, 1);
  let s: PosteriorSupport = all;
  let massUsed = 1 - all.epsilon;
  if (all.indices.length > maxClasses) {
    const top = topOfWeights(all.indices, all.weights, 1, maxClasses);
    s = { indices: top.indices, weights: top.weights, epsilon: 0 };
    massUsed *= top.kept;
  }
  const f = prepareBox(fn, box);
  const samples = opts.samples ?? 8;
  assertInteger(fn, 'samples', samples, 1, 100000);
  const sigma = opts.sigma ?? 0.01 * Math.hypot(box.width, box.height);
  assertPositive(fn, 'sigma', sigma);
  const seed = opts.seed ?? 0;
  assertInteger(fn, 'seed', seed, 0, 2 ** 53);
  const cands = candidateList(fn, table, opts.candidates);
  const scheme = tableScheme(table);
  const rng = new Rng(seed);
  const n = s.indices.length;
  const D = 2 * table.nPoints;
  const q = qOf(s, table, f);
  const acc = new Float64Array(D);
  const cum = new Float64Array(n);
  for (let t = 0, a = 0; t < n; t++) cum[t] = a += s.weights[t];
  const draw = (): number => {
    const u = rng.next() * cum[n - 1];
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const SKIP = 1e-6; // relative to the largest conditional weight: what is skipped holds < classes × 1e-6
  const currentError = totalSpread(s, s.weights, table, f, q, acc, 0);
  const logw = new Float64Array(n);
  // per class: 1 / variance of the click given the class, and log weight − ½ log(vx vy) − log 2π (fixed over samples)
  const ivx = new Float64Array(n);
  const ivy = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const sg = table.sigma[s.indices[t]];
    const vx = (sg * f.sdx) ** 2 + sigma * sigma;
    const vy = (sg * f.sdy) ** 2 + sigma * sigma;
    ivx[t] = 1 / vx;
    ivy[t] = 1 / vy;
    logw[t] = s.weights[t] > 0 ? Math.log(s.weights[t]) - 0.5 * Math.log(vx * vy) - LOG_2PI : -Infinity;
  }
  const w = new Float64Array(n);
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  // common random numbers: every candidate is scored on the same simulated classes and standard-normal offsets, so
  // the ranking compares landmarks, not the luck of their draws (independent draws let the minimum over 68 noisy
  // estimates pick whichever landmark drew the easiest clicks)
  const drawn = Int32Array.from({ length: samples }, draw);
  const zx = Float64Array.from({ length: samples }, () => rng.normal(0, 1));
  const zy = Float64Array.from({ length: samples }, () => rng.normal(0, 1));
  const ranking: RankedLandmark[] = cands.map((j) => {
    for (let t = 0; t < n; t++) {
      px[t] = f.x + table.centers[s.indices[t] * D + 2 * j] * f.w;
      py[t] = f.y + table.centers[s.indices[t] * D + 2 * j + 1] * f.h;
    }
    let total = 0;
    for (let r = 0; r < samples; r++) {
      const t0 = drawn[r];
      const sd = table.sigma[s.indices[t0]];
      const ex = sd * f.sdx;
      const ey = sd * f.sdy;
      const cx = px[t0] + zx[r] * Math.sqrt(ex * ex + sigma * sigma);
      const cy = py[t0] + zy[r] * Math.sqrt(ey * ey + sigma * sigma);
      // conditional weights for a soft click at (cx, cy) on landmark j
      let mx = -Infinity;
      for (let t = 0; t < n; t++) {
        const dx = cx - px[t];
        const dy = cy - py[t];
        const v = logw[t] - 0.5 * (dx * dx * ivx[t] + dy * dy * ivy[t]);
        w[t] = v;
        if (v > mx) mx = v;
      }
      let z = 0;
      for (let t = 0; t < n; t++) z += w[t] = Math.exp(w[t] - mx);
      for (let t = 0; t < n; t++) w[t] /= z;
      const e = totalSpread(s, w, table, f, q, acc, SKIP * wmax(w));
      total += e * e;
    }
    return { landmark: j, name: landmarkName(scheme, j), error: Math.sqrt(total / samples) };
  });
  ranking.sort((a, b) => a.error - b.error || a.landmark - b.landmark);
  return { ranking, currentError, classesUsed: s.indices.length, massUsed };
}

function wmax(w: Float64Array): number {
  let m = 0;
  for (let i = 0; i < w.length; i++) if (w[i] > m) m = w[i];
  return m;
}

/** Options of `oracleBestClick`. */
export interface OracleClickOptions {
  /** The click's sd in pixels (soft evidence at the true position). @default 1 % of the box diagonal */
  sigma?: number;
  /** Landmarks to try. @default every landmark */
  candidates?: readonly LandmarkRef[];
  /** Score the snapped shape (true) or the conditional expected shape (false). @default true */
  snap?: boolean;
}

/** What `oracleBestClick` returns. */
export interface OracleClickResult {
  /** Candidates, best (smallest true mean point error after clicking, pixels) first. */
  ranking: RankedLandmark[];
  /** Mean point error of the expected shape with no click (pixels). */
  noClickError: number;
}

function meanPointError(a: Float32Array, truth: ArrayLike<number>): number {
  let e = 0;
  for (let d = 0; d < a.length; d += 2)
    e += Math.sqrt((a[d] - truth[d]) ** 2 + (a[d + 1] - truth[d + 1]) ** 2);
  return e / (a.length / 2);
}

/**
 * The paper's "best 1-pt" oracle (Table 3): clicks every candidate landmark at its true position and ranks them by the
 * true mean point error (pixels) of the resulting shape. An evaluation upper bound, not a query (it needs the truth).
 * @example const o = oracleBestClick(sp, table, box, sample.landmarks); o.ranking[0].error / diagonal
 */
export function oracleBestClick(
  posterior: PosteriorLike,
  table: ReasoningTable,
  box: Box,
  truth: Float32Array | Float64Array,
  opts: OracleClickOptions = {},
): OracleClickResult {
  const fn = 'oracleBestClick';
  const s = prepare(fn, posterior, table);
  const f = prepareBox(fn, box);
  const D = 2 * table.nPoints;
  if (!(truth instanceof Float32Array || truth instanceof Float64Array) || truth.length !== D) {
    throw new ShapeError(
      `${fn}: argument 'truth' expected ${D} values (N = ${table.nPoints}), got ${describe(truth)}`,
    );
  }
  for (let d = 0; d < D; d++) {
    if (!Number.isFinite(truth[d])) {
      throw new ValueError(`${fn}: argument 'truth' expected finite coordinates, got ${truth[d]} at ${d}`);
    }
  }
  const sigma = opts.sigma ?? 0.01 * Math.hypot(box.width, box.height);
  assertPositive(fn, 'sigma', sigma);
  const snap = opts.snap ?? true;
  const scheme = tableScheme(table);
  const cands = candidateList(fn, table, opts.candidates);
  const noClickError = meanPointError(shapeOf(s, table, f), truth);
  const ranking = cands.map((j): RankedLandmark => {
    const item: ResolvedEvidence = {
      kind: 'point',
      points: [j],
      value: Float64Array.of(truth[2 * j], truth[2 * j + 1]),
      hard: false,
      scale: sigma,
      label: landmarkName(scheme, j),
    };
    const c = conditionSupport(s, table, f, [item], false);
    const top = topOfWeights(s.indices, c.weights, 1 - 1e-6);
    const kept: PosteriorSupport = { indices: top.indices, weights: top.weights, epsilon: 0 };
    const both = shapeAndSnap(kept, table, f, [item]);
    const shape = snap ? both.snapped : both.shape;
    return { landmark: j, name: item.label, error: meanPointError(shape, truth) };
  });
  ranking.sort((a, b) => a.error - b.error || a.landmark - b.landmark);
  return { ranking, noClickError };
}
