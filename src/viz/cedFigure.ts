/** Cumulative error distribution (CED) curves, the standard 300-W / 300-VW accuracy plot. */
import { ShapeError } from '../errors';
import { exactAucSorted } from '../evaluate/auc';
import { cedSorted } from '../evaluate/ced';
import { sortedErrors } from '../evaluate/errorsValidate';
import { failureRateSorted } from '../evaluate/failureRate';
import { assertInteger, describe } from '../util/validate';
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
 * sampled grid): mean over faces of max(0, maxError − e) / maxError. The numbers are evaluate's
 * (`ced`, `auc` with method 'exact', `failureRate`), on one validation and one sort.
 * @example cedCurve(nme, 0.08).auc
 */
export function cedCurve(errors: ArrayLike<number>, maxError = 0.08, steps = 200): CedCurve {
  const sorted = sortedErrors('cedCurve', errors, maxError);
  assertInteger('cedCurve', 'steps', steps, 1);
  const { thresholds, fraction } = cedSorted(sorted, maxError, steps);
  return {
    thresholds,
    fractions: fraction,
    auc: exactAucSorted(sorted, maxError),
    failureRate: failureRateSorted(sorted, maxError),
  };
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
