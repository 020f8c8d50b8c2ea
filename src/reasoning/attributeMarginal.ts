/**
 * Marginals of the posterior over a class attribute (head yaw, pitch or roll, from the table's `pose`): a histogram,
 * mean, standard deviation, mode, equal-tailed credible intervals computed from the classes' exact values (not the
 * bins), and the separated modes of the histogram with a multimodality flag (e.g. left-vs-right profile ambiguity).
 */
import { ValueError } from '../errors';
import { assertInteger, assertInRange, assertOneOf } from '../util/validate';
import type { PosteriorLike, PosteriorSupport, ReasoningTable } from './posterior';
import { prepare } from './support';

export const POSE_ATTRIBUTES = ['yaw', 'pitch', 'roll'] as const;
export type PoseAttribute = (typeof POSE_ATTRIBUTES)[number];

/** Options of `attributeMarginal`. */
export interface AttributeMarginalOptions {
  /** Which attribute. @default 'yaw' */
  attribute?: PoseAttribute;
  /** Histogram bins. @default 36 */
  bins?: number;
  /** Histogram range in degrees; values outside go to the end bins. @default [-90, 90] */
  range?: readonly [number, number];
  /** Credible interval levels. @default [0.5, 0.8, 0.95] */
  levels?: readonly number[];
  /** A histogram mode counts when its basin holds at least this mass. @default 0.1 */
  minModeMass?: number;
}

/** A credible interval: P(lo ≤ attribute ≤ hi) = level, with equal mass (1 − level)/2 on each side. */
export interface CredibleInterval {
  level: number;
  lo: number;
  hi: number;
}

/** One separated mode of the histogram. */
export interface AttributeMode {
  /** Bin centre of the peak, degrees. */
  at: number;
  /** Mass of its basin (the bins down to the valleys on either side). */
  mass: number;
}

/** What `attributeMarginal` returns. */
export interface AttributeMarginal {
  attribute: PoseAttribute;
  /** bins + 1 edges and bins centres, degrees. */
  edges: Float64Array;
  centers: Float64Array;
  /** Probability per bin (sums to 1). */
  mass: Float64Array;
  mean: number;
  sd: number;
  /** Centre of the most probable bin. */
  mode: number;
  intervals: CredibleInterval[];
  /** Separated modes, most massive first. */
  modes: AttributeMode[];
  /** Two or more separated modes. */
  multimodal: boolean;
  /** Mass of the full posterior left out (the sparse posterior's ε). */
  epsilon: number;
}

/**
 * The posterior marginal of yaw, pitch or roll.
 * @example const yaw = attributeMarginal(sp, table, { attribute: 'yaw' }); yaw.intervals // [{ level: 0.5, lo, hi }, …]
 */
export function attributeMarginal(
  posterior: PosteriorLike,
  table: ReasoningTable,
  opts: AttributeMarginalOptions = {},
): AttributeMarginal {
  const fn = 'attributeMarginal';
  const s = prepare(fn, posterior, table);
  const attribute = opts.attribute ?? 'yaw';
  assertOneOf(fn, 'attribute', attribute, POSE_ATTRIBUTES);
  const bins = opts.bins ?? 36;
  assertInteger(fn, 'bins', bins, 1, 100000);
  const [lo, hi] = opts.range ?? [-90, 90];
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi)) {
    throw new ValueError(`${fn}: argument 'range' expected finite [lo, hi] with lo < hi, got [${lo}, ${hi}]`);
  }
  const levels = opts.levels ?? [0.5, 0.8, 0.95];
  levels.forEach((l, i) => assertInRange(fn, `levels[${i}]`, l, 0, 1));
  const minModeMass = opts.minModeMass ?? 0.1;
  assertInRange(fn, 'minModeMass', minModeMass, 0, 1);
  const a = POSE_ATTRIBUTES.indexOf(attribute);
  const values = new Float64Array(s.indices.length);
  for (let i = 0; i < values.length; i++) {
    const v = table.pose[3 * s.indices[i] + a];
    if (!Number.isFinite(v)) {
      throw new ValueError(
        `${fn}: argument 'table' expected a finite ${attribute} for every class, got ${v} for class ${s.indices[i]}`,
      );
    }
    values[i] = v;
  }
  return marginalOf(attribute, values, s, bins, lo, hi, levels, minModeMass);
}

/** @internal The marginal of per-support-entry values (validated). */
export function marginalOf(
  attribute: PoseAttribute,
  values: Float64Array,
  s: PosteriorSupport,
  bins: number,
  lo: number,
  hi: number,
  levels: readonly number[],
  minModeMass: number,
): AttributeMarginal {
  const width = (hi - lo) / bins;
  const edges = Float64Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
  const centers = Float64Array.from({ length: bins }, (_, i) => lo + (i + 0.5) * width);
  const mass = new Float64Array(bins);
  let mean = 0;
  for (let i = 0; i < values.length; i++) {
    const w = s.weights[i];
    const b = Math.min(bins - 1, Math.max(0, Math.floor((values[i] - lo) / width)));
    mass[b] += w;
    mean += w * values[i];
  }
  let v2 = 0;
  for (let i = 0; i < values.length; i++) v2 += s.weights[i] * (values[i] - mean) ** 2;
  let best = 0;
  for (let b = 1; b < bins; b++) if (mass[b] > mass[best]) best = b;
  // weighted quantiles over the exact values
  const order = Array.from({ length: values.length }, (_, i) => i).sort((x, y) => values[x] - values[y]);
  const cum = new Float64Array(order.length);
  for (let i = 0, acc = 0; i < order.length; i++) cum[i] = acc += s.weights[order[i]];
  const quantile = (q: number): number => {
    let i = 0;
    while (i < order.length - 1 && cum[i] < q) i++;
    return values[order[i]];
  };
  const intervals = levels.map((level) => ({
    level,
    lo: quantile((1 - level) / 2),
    hi: quantile(1 - (1 - level) / 2),
  }));
  const modes = histogramModes(mass, centers, minModeMass);
  return {
    attribute,
    edges,
    centers,
    mass,
    mean,
    sd: Math.sqrt(v2),
    mode: centers[best],
    intervals,
    modes,
    multimodal: modes.length >= 2,
    epsilon: s.epsilon,
  };
}

/**
 * Separated modes of a histogram: peaks of its [1, 2, 1] smoothing, where two neighbouring peaks merge unless the
 * valley between them falls below half the lower peak; each kept mode's basin holds at least `minMass`.
 */
function histogramModes(mass: Float64Array, centers: Float64Array, minMass: number): AttributeMode[] {
  const B = mass.length;
  const sm = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    const l = b > 0 ? mass[b - 1] : 0;
    const r = b < B - 1 ? mass[b + 1] : 0;
    sm[b] = (l + 2 * mass[b] + r) / 4;
  }
  // peaks (plateaus count once, at their first bin)
  let peaks: number[] = [];
  for (let b = 0; b < B; b++) {
    if (sm[b] <= 0) continue;
    let e = b;
    while (e + 1 < B && sm[e + 1] === sm[b]) e++;
    const left = b > 0 ? sm[b - 1] : -1;
    const right = e < B - 1 ? sm[e + 1] : -1;
    if (sm[b] > left && sm[b] > right) peaks.push(b);
    b = e;
  }
  // merge peaks separated by a shallow valley
  let merged = true;
  while (merged && peaks.length > 1) {
    merged = false;
    for (let i = 0; i + 1 < peaks.length; i++) {
      const a = peaks[i];
      const c = peaks[i + 1];
      let valley = Infinity;
      for (let b = a; b <= c; b++) valley = Math.min(valley, sm[b]);
      if (valley >= 0.5 * Math.min(sm[a], sm[c])) {
        peaks = [...peaks.slice(0, i), sm[a] >= sm[c] ? a : c, ...peaks.slice(i + 2)];
        merged = true;
        break;
      }
    }
  }
  // basins: split at the lowest bin between neighbouring peaks
  const cuts: number[] = [0];
  for (let i = 0; i + 1 < peaks.length; i++) {
    let at = peaks[i];
    for (let b = peaks[i]; b <= peaks[i + 1]; b++) if (sm[b] < sm[at]) at = b;
    cuts.push(at);
  }
  cuts.push(B);
  const modes: AttributeMode[] = [];
  for (let i = 0; i < peaks.length; i++) {
    let m = 0;
    for (let b = cuts[i]; b < cuts[i + 1]; b++) m += mass[b];
    if (m >= minMass) modes.push({ at: centers[peaks[i]], mass: m });
  }
  return modes.sort((x, y) => y.mass - x.mass);
}
