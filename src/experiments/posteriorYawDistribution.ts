/**
 * The posterior as a distribution over head yaw: each class's probability is added to the bin of its yaw (from the
 * class table), giving p(yaw | image) as a histogram. Kept for the notebooks that use it; the general form (any pose
 * attribute, sparse posteriors, credible intervals, modes) is `reasoning.attributeMarginal`, which this calls.
 */
import type { ClassTable } from '../classes/types';
import { ShapeError, ValueError } from '../errors';
import { assertInteger, describe } from '../util/validate';
import { attributeMarginal } from '../reasoning/attributeMarginal';

/** Options of `posteriorYawDistribution`. */
export interface YawDistributionOptions {
  /** Number of bins. @default 18 */
  bins?: number;
  /** Yaw range in degrees; classes outside it go to the end bins. @default [-90, 90] */
  range?: readonly [number, number];
}

/** A histogram of yaw weighted by the posterior. */
export interface YawDistribution {
  /** bins + 1 edges, degrees. */
  edges: Float64Array;
  /** bins centres, degrees. */
  centers: Float64Array;
  /** Probability per bin (sums to 1). */
  mass: Float64Array;
  /** Posterior mean yaw, degrees. */
  meanYaw: number;
}

/**
 * Histogram of class yaws weighted by a posterior over the table's K classes (which may be unnormalised).
 * @example const d = posteriorYawDistribution(prediction.posterior, model.table, { bins: 18 })
 */
export function posteriorYawDistribution(
  posterior: Float32Array,
  table: ClassTable,
  opts: YawDistributionOptions = {},
): YawDistribution {
  const fn = 'posteriorYawDistribution';
  if (typeof table !== 'object' || table === null || !(table.pose instanceof Float32Array)) {
    throw new ValueError(`${fn}: argument 'table' expected a ClassTable, got ${describe(table)}`);
  }
  const K = table.K;
  if (!(posterior instanceof Float32Array) || posterior.length !== K) {
    throw new ShapeError(
      `${fn}: argument 'posterior' expected a Float32Array of K = ${K}, got ${describe(posterior)}`,
    );
  }
  const bins = opts.bins ?? 18;
  assertInteger(fn, 'bins', bins, 1, 100000);
  const [lo, hi] = opts.range ?? [-90, 90];
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi)) {
    throw new ValueError(`${fn}: argument 'range' expected finite [lo, hi] with lo < hi, got [${lo}, ${hi}]`);
  }
  let total = 0;
  for (let k = 0; k < K; k++) {
    if (!Number.isFinite(table.pose[3 * k])) {
      throw new ValueError(
        `${fn}: argument 'table' expected a finite yaw for every class, got ${table.pose[3 * k]} for class ${k}`,
      );
    }
    const p = posterior[k];
    if (!(p >= 0) || !Number.isFinite(p)) {
      throw new ValueError(
        `${fn}: argument 'posterior' expected finite non-negative values, got ${p} at ${k}`,
      );
    }
    total += p;
  }
  if (!(total > 0)) throw new ValueError(`${fn}: argument 'posterior' expected a positive sum, got ${total}`);
  // an unnormalised posterior is accepted here (as before the move): normalise, then the general marginal
  const normalised = Float64Array.from(posterior, (p) => p / total);
  const m = attributeMarginal(normalised, table, { attribute: 'yaw', bins, range: [lo, hi], levels: [] });
  return { edges: m.edges, centers: m.centers, mass: m.mass, meanYaw: m.mean };
}
