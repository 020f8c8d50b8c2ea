/**
 * Risk–coverage (issue 10, part 6): how the failure rate falls when the least confident faces are rejected, by a given
 * uncertainty score (any of `posteriorScores`: entropy, spread, 1 − top probability, …), next to the oracle that
 * rejects by the true error (the best any score could do) and the area under each curve (lower is better).
 */
import { ShapeError, ValueError } from '../errors';
import { assertFiniteArray, assertInRange, assertInteger } from '../util/validate';

/** Options of `riskCoverage`. */
export interface RiskCoverageOptions {
  /** A face fails when its error exceeds this (e.g. 0.08 of the box diagonal, the paper's threshold). @default 0.08 */
  threshold?: number;
  /** Coverage levels at which the curve is reported (kept fraction from 1 down to 1/steps). @default 20 */
  steps?: number;
}

/** One point of the curve. */
export interface RiskCoveragePoint {
  /** Fraction of faces kept (the most confident ones). */
  coverage: number;
  /** Failure rate among the kept faces, rejecting by the score … */
  failureRate: number;
  /** … and rejecting by the true error (the oracle). */
  oracleFailureRate: number;
  /** Mean error of the kept faces (by the score). */
  meanError: number;
}

/** What `riskCoverage` returns. */
export interface RiskCoverage {
  points: RiskCoveragePoint[];
  /** Area under the failure-rate curve over coverage (mean over every number of kept faces), by score and oracle. */
  area: number;
  oracleArea: number;
  /** The failure rate with every face kept. */
  failureRate: number;
}

/**
 * The risk–coverage curve of an uncertainty score: higher `uncertainty` = less confident = rejected first.
 * @example riskCoverage(faces.map((f) => f.scores.entropy), faces.map((f) => f.error), { threshold: 0.08 })
 */
export function riskCoverage(
  uncertainty: ArrayLike<number>,
  errors: ArrayLike<number>,
  opts: RiskCoverageOptions = {},
): RiskCoverage {
  const fn = 'riskCoverage';
  const u = Array.from(uncertainty ?? []);
  const e = Array.from(errors ?? []);
  if (u.length === 0)
    throw new ShapeError(`${fn}: argument 'uncertainty' expected at least one face, got none`);
  assertFiniteArray(fn, 'uncertainty', u);
  assertFiniteArray(fn, 'errors', e, u.length);
  const threshold = opts.threshold ?? 0.08;
  assertInRange(fn, 'threshold', threshold, 0, Infinity);
  const steps = opts.steps ?? 20;
  assertInteger(fn, 'steps', steps, 1, 1e6);
  if (e.some((x) => x < 0)) throw new ValueError(`${fn}: argument 'errors' expected non-negative errors`);
  const n = u.length;
  // Most confident first; ties by the error's index order (stable) so the curve is deterministic.
  const byScore = u.map((_, i) => i).sort((a, b) => u[a] - u[b] || a - b);
  const byError = e.map((_, i) => i).sort((a, b) => e[a] - e[b] || a - b);
  const cumFail = (order: number[]): Float64Array => {
    const c = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) c[i + 1] = c[i] + (e[order[i]] > threshold ? 1 : 0);
    return c;
  };
  const fs = cumFail(byScore);
  const fo = cumFail(byError);
  const cumErr = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) cumErr[i + 1] = cumErr[i] + e[byScore[i]];
  const points: RiskCoveragePoint[] = [];
  for (let s = steps; s >= 1; s--) {
    const kept = Math.max(1, Math.round((n * s) / steps));
    points.push({
      coverage: kept / n,
      failureRate: fs[kept] / kept,
      oracleFailureRate: fo[kept] / kept,
      meanError: cumErr[kept] / kept,
    });
  }
  let area = 0;
  let oracleArea = 0;
  for (let k = 1; k <= n; k++) {
    area += fs[k] / k / n;
    oracleArea += fo[k] / k / n;
  }
  return { points, area, oracleArea, failureRate: fs[n] / n };
}
