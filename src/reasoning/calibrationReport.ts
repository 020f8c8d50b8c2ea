/**
 * Calibration of the posterior on validation faces (issue 10, part 6; the paper never measured it): the mean NLL of
 * the true shapes, the coverage of the yaw credible intervals (does the 80 % interval hold the true yaw 80 % of the
 * time?) and of the per-landmark ellipses (reliability), and a verdict: over-confident (coverage below nominal),
 * under-confident (above) or calibrated (within a tolerance).
 *
 * Yaw coverage is read through the probability integral transform, so that the classes' discrete yaws do not bias it:
 * with F(y−) and F(y) the posterior's yaw CDF just below and at the true yaw, the central `level` interval covers the
 * truth with probability |[F(y−), F(y)] ∩ [(1 − level)/2, (1 + level)/2]| / (F(y) − F(y−)) (the randomised PIT's exact
 * expectation; for a continuous posterior it is the plain "inside the equal-tailed interval"). A calibrated posterior
 * then covers `level` of the faces, whatever the number of classes. Landmark ellipses: the true point inside the
 * `level` ellipse of the landmark's posterior mean and covariance (`landmarkEllipses`).
 */
import { ValueError } from '../errors';
import { assertInRange, describe } from '../util/validate';
import { type CalibrationItem, assertItems, calibrationNll, posteriorTemper } from './calibrationTemperature';
import { landmarkEllipses } from './landmarkMoments';
import { chi2Radius2 } from './normal';
import { type PosteriorSupport, type ReasoningTable, posteriorSupport } from './posterior';

/** Options of `calibrationReport`. */
export interface CalibrationReportOptions {
  /** Nominal levels of the yaw intervals and the landmark ellipses. @default [0.5, 0.8, 0.95] */
  levels?: readonly number[];
  /** Temperature applied to every posterior first (e.g. a fitted one). @default 1 */
  temperature?: number;
  /** |coverage − level| averaged over levels within this counts as calibrated. @default 0.05 */
  tolerance?: number;
}

/** Observed coverage at each nominal level. */
export interface CoverageRow {
  level: number;
  /** Fraction of true values inside their region. */
  coverage: number;
}

/** 'over-confident': regions too small (coverage < nominal); 'under-confident': too large. */
export type CalibrationVerdict = 'over-confident' | 'under-confident' | 'calibrated';

/** What `calibrationReport` returns. */
export interface CalibrationReport {
  /** Faces used. */
  n: number;
  temperature: number;
  /** Mean NLL of the true shapes (box coordinates), and per landmark. */
  nll: number;
  nllPerPoint: number;
  /** Yaw credible intervals (faces with a `yaw`; empty when none has one). */
  yawCoverage: CoverageRow[];
  /** Per-landmark ellipses, over every landmark of every face. */
  ellipseCoverage: CoverageRow[];
  /** Mean of coverage − level over both kinds and all levels (negative: over-confident). */
  coverageGap: number;
  verdict: CalibrationVerdict;
}

/**
 * NLL, yaw-interval and ellipse coverage, and the over/under-confidence verdict of posteriors on validation faces.
 * @example const r = calibrationReport(items, table); r.verdict // 'over-confident'
 */
export function calibrationReport(
  items: readonly CalibrationItem[],
  table: ReasoningTable,
  opts: CalibrationReportOptions = {},
): CalibrationReport {
  const fn = 'calibrationReport';
  assertItems(fn, items);
  const levels = opts.levels ?? [0.5, 0.8, 0.95];
  if (!Array.isArray(levels) || levels.length === 0) {
    throw new ValueError(
      `${fn}: argument 'levels' expected a non-empty array of levels, got ${describe(levels)}`,
    );
  }
  levels.forEach((l, i) => {
    assertInRange(fn, `levels[${i}]`, l, 0, 1);
    if (l <= 0 || l >= 1)
      throw new ValueError(`${fn}: argument 'levels[${i}]' expected a level in (0, 1), got ${l}`);
  });
  const temperature = opts.temperature ?? 1;
  const tolerance = opts.tolerance ?? 0.05;
  assertInRange(fn, 'tolerance', tolerance, 0, 1);
  const nlls = calibrationNll(items, table, temperature);
  const nll = nlls.reduce((s, v) => s + v, 0) / nlls.length;
  const yawHits = new Float64Array(levels.length);
  let yawN = 0;
  const ellHits = new Float64Array(levels.length);
  let ellN = 0;
  const r2 = levels.map(chi2Radius2);
  const N = table.nPoints;
  items.forEach((it, i) => {
    const p = temperature === 1 ? it.posterior : posteriorTemper(it.posterior, temperature, table.K);
    if (it.yaw !== undefined) {
      if (!Number.isFinite(it.yaw)) {
        throw new ValueError(
          `${fn}: argument 'items[${i}].yaw' expected a finite yaw in degrees, got ${it.yaw}`,
        );
      }
      const [below, upTo] = cdfAt(posteriorSupport(p), table.pose, it.yaw);
      levels.forEach((level, l) => (yawHits[l] += centralCoverage(below, upTo, level)));
      yawN++;
    }
    const { mean, cov } = landmarkEllipses(p, table, it.box);
    for (let j = 0; j < N; j++) {
      const dx = it.shape[2 * j] - mean[2 * j];
      const dy = it.shape[2 * j + 1] - mean[2 * j + 1];
      const xx = cov[3 * j];
      const xy = cov[3 * j + 1];
      const yy = cov[3 * j + 2];
      const det = xx * yy - xy * xy;
      // Mahalanobis distance² under the landmark's mean and covariance (a degenerate one covers only its mean).
      const d2 =
        det > 0
          ? (yy * dx * dx - 2 * xy * dx * dy + xx * dy * dy) / det
          : dx === 0 && dy === 0
            ? 0
            : Infinity;
      for (let l = 0; l < levels.length; l++) ellHits[l] += d2 <= r2[l] ? 1 : 0;
      ellN++;
    }
  });
  const yawCoverage = yawN > 0 ? levels.map((level, l) => ({ level, coverage: yawHits[l] / yawN })) : [];
  const ellipseCoverage = levels.map((level, l) => ({ level, coverage: ellHits[l] / ellN }));
  const rows = [...yawCoverage, ...ellipseCoverage];
  const coverageGap = rows.reduce((s, r) => s + r.coverage - r.level, 0) / rows.length;
  const verdict: CalibrationVerdict =
    coverageGap < -tolerance ? 'over-confident' : coverageGap > tolerance ? 'under-confident' : 'calibrated';
  return {
    n: items.length,
    temperature,
    nll,
    nllPerPoint: nll / N,
    yawCoverage,
    ellipseCoverage,
    coverageGap,
    verdict,
  };
}

/** F(y−) and F(y) of the posterior's yaw distribution at y. */
function cdfAt(s: PosteriorSupport, pose: Float32Array, y: number): [number, number] {
  let below = 0;
  let at = 0;
  for (let i = 0; i < s.indices.length; i++) {
    const v = pose[3 * s.indices[i]];
    if (v < y) below += s.weights[i];
    else if (v === y) at += s.weights[i];
  }
  return [below, below + at];
}

/** Expected coverage of the central `level` interval for a truth whose PIT is uniform on [a, b]. */
function centralCoverage(a: number, b: number, level: number): number {
  const lo = (1 - level) / 2;
  const hi = (1 + level) / 2;
  if (b - a <= 1e-15) return a >= lo && a <= hi ? 1 : 0;
  return Math.max(0, Math.min(b, hi) - Math.max(a, lo)) / (b - a);
}
