/** Histograms with bins computed here (small, exact specs instead of raw samples shipped to Plotly). */
import { ShapeError, ValueError } from '../errors';
import { assertInteger } from '../util/validate';
import { type Figure, type FigureOptions, baseLayout, finiteSeries } from './figure';

/** One sample to histogram. */
export interface HistogramSeries {
  /** Legend entry. @default 'series i' */
  name?: string;
  values: ArrayLike<number>;
}

/** Options of `histogramFigure`. */
export interface HistogramFigureOptions extends FigureOptions {
  /** Number of equal-width bins. @default 30 */
  bins?: number;
  /** [lo, hi] covered by the bins; values outside are dropped. @default [min, max] over all series */
  range?: readonly [number, number];
  /** Show fractions (each series sums to 1) instead of counts. @default false */
  normalize?: boolean;
}

/**
 * A histogram of one or more samples over shared bins (overlaid, semi-transparent when several).
 * @example show(histogramFigure([{ name: 'yaw', values: yaws }], { bins: 36, range: [-90, 90] }))
 */
export function histogramFigure(
  series: readonly HistogramSeries[],
  opts: HistogramFigureOptions = {},
): Figure {
  if (!Array.isArray(series) || series.length === 0) {
    throw new ShapeError(
      `histogramFigure: argument 'series' expected a non-empty array of {values}, got ${typeof series}`,
    );
  }
  const bins = opts.bins ?? 30;
  assertInteger('histogramFigure', 'opts.bins', bins, 1);
  const vals = series.map((s, i) => finiteSeries('histogramFigure', `series[${i}].values`, s?.values));
  let lo: number;
  let hi: number;
  if (opts.range !== undefined) {
    [lo, hi] = finiteSeries('histogramFigure', 'opts.range', opts.range, 2);
    if (!(hi > lo))
      throw new ValueError(`histogramFigure: argument 'opts.range' expected lo < hi, got [${lo}, ${hi}]`);
  } else {
    lo = Infinity;
    hi = -Infinity;
    for (const v of vals) {
      for (const x of v) {
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
    }
    if (lo === Infinity) {
      lo = 0;
      hi = 1;
    } else if (hi === lo) {
      lo -= 0.5;
      hi += 0.5;
    }
  }
  const width = (hi - lo) / bins;
  const centres = Array.from({ length: bins }, (_, b) => lo + (b + 0.5) * width);
  const data = vals.map((v, i) => {
    const counts = new Array<number>(bins).fill(0);
    let total = 0;
    for (const x of v) {
      if (x < lo || x > hi) continue;
      counts[Math.min(bins - 1, Math.floor((x - lo) / width))]++;
      total++;
    }
    const y = opts.normalize === true && total > 0 ? counts.map((c) => c / total) : counts;
    return {
      type: 'bar',
      name: series[i].name ?? `series ${i}`,
      x: centres,
      y,
      width,
      opacity: vals.length > 1 ? 0.6 : 1,
    };
  });
  const layout = baseLayout(opts);
  layout.barmode = 'overlay';
  layout.bargap = 0;
  return { data, layout };
}
