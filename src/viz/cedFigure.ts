/** Cumulative error distribution (CED) curves, the standard 300-W / 300-VW accuracy plot. */
import { ShapeError, ValueError } from '../errors';
import { assertInteger, assertPositive, describe } from '../util/validate';
import { type Figure, type FigureOptions, baseLayout } from './figure';

/** A CED curve sampled on a grid, with its summary numbers. */
export interface CedCurve {
  /** Error thresholds 0 … maxError (steps+1 values). */
  thresholds: Float64Array;
  /** Fraction of errors ≤ each threshold. */
  fractions: Float64Array;
  /** Area under the exact CED on [0, maxError] divided by maxError (AUC@maxError), in [0, 1]. */
  auc: number;
  /** Fraction of errors > maxError. */
  failureRate: number;
}

/**
 * The CED of `errors` (normalised errors, one per face) up to `maxError`. The AUC is exact (not from the
 * sampled grid): mean over faces of max(0, maxError − e) / maxError.
 * @example cedCurve(nme, 0.08).auc
 */
export function cedCurve(errors: ArrayLike<number>, maxError = 0.08, steps = 200): CedCurve {
  if (
    !(errors instanceof Float32Array || errors instanceof Float64Array || Array.isArray(errors)) ||
    errors.length === 0
  ) {
    throw new ShapeError(
      `cedCurve: argument 'errors' expected a non-empty array of numbers, got ${describe(errors)}`,
    );
  }
  assertPositive('cedCurve', 'maxError', maxError);
  assertInteger('cedCurve', 'steps', steps, 1);
  const n = errors.length;
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const e = errors[i];
    if (!(e >= 0) || !Number.isFinite(e)) {
      throw new ValueError(
        `cedCurve: argument 'errors' expected finite errors ≥ 0, got ${describe(e)} at index ${i}`,
      );
    }
    sorted[i] = e;
  }
  sorted.sort();
  const thresholds = new Float64Array(steps + 1);
  const fractions = new Float64Array(steps + 1);
  let j = 0;
  for (let s = 0; s <= steps; s++) {
    const t = (maxError * s) / steps;
    while (j < n && sorted[j] <= t) j++;
    thresholds[s] = t;
    fractions[s] = j / n;
  }
  let area = 0;
  let fail = 0;
  for (let i = 0; i < n; i++) {
    if (sorted[i] < maxError) area += maxError - sorted[i];
    else if (sorted[i] > maxError) fail++;
  }
  return { thresholds, fractions, auc: area / (n * maxError), failureRate: fail / n };
}

/** Options of `cedFigure`. */
export interface CedFigureOptions extends FigureOptions {
  /** Largest error shown and the AUC's limit. @default 0.08 */
  maxError?: number;
  /** Grid steps on [0, maxError]. @default 200 */
  steps?: number;
}

/**
 * CED curves of several methods in one chart; each legend entry carries its AUC and failure rate.
 * @example show(cedFigure([{ name: 'ours', errors: nme }], { maxError: 0.08 }))
 */
export function cedFigure(
  curves: ReadonlyArray<{ name: string; errors: ArrayLike<number> }>,
  opts: CedFigureOptions = {},
): Figure {
  if (!Array.isArray(curves) || curves.length === 0) {
    throw new ShapeError(
      `cedFigure: argument 'curves' expected a non-empty array of {name, errors}, got ${describe(curves)}`,
    );
  }
  const maxError = opts.maxError ?? 0.08;
  const steps = opts.steps ?? 200;
  const data = curves.map((c) => {
    const ced = cedCurve(c.errors, maxError, steps);
    return {
      type: 'scatter',
      mode: 'lines',
      line: { shape: 'hv' },
      name: `${c.name} (AUC ${ced.auc.toFixed(3)}, fail ${(100 * ced.failureRate).toFixed(1)}%)`,
      x: Array.from(ced.thresholds),
      y: Array.from(ced.fractions),
    };
  });
  const layout = baseLayout({ xTitle: 'normalised error', yTitle: 'fraction of faces', ...opts });
  layout.xaxis = { ...(layout.xaxis as object), range: [0, maxError] };
  layout.yaxis = { ...(layout.yaxis as object), range: [0, 1] };
  return { data, layout };
}
