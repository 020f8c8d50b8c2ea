/** Line charts (training curves, errors over frames, …). */
import { ShapeError } from '../errors';
import { type Figure, type FigureOptions, baseLayout, finiteSeries } from './figure';

/** One line. */
export interface LineSeries {
  /** Legend entry. @default 'series i' */
  name?: string;
  /** x values. @default 0, 1, 2, … */
  x?: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Plotly drawing mode. @default 'lines' */
  mode?: 'lines' | 'markers' | 'lines+markers';
}

/** Options of `lineFigure`. */
export interface LineFigureOptions extends FigureOptions {
  /** Logarithmic y axis (losses). @default false */
  logY?: boolean;
}

/**
 * A line chart with one trace per series.
 * @example show(lineFigure([{ name: 'loss', y: losses }], { xTitle: 'step', logY: true }))
 */
export function lineFigure(series: readonly LineSeries[], opts: LineFigureOptions = {}): Figure {
  if (!Array.isArray(series) || series.length === 0) {
    throw new ShapeError(
      `lineFigure: argument 'series' expected a non-empty array of {y}, got ${typeof series}`,
    );
  }
  const data = series.map((s, i) => {
    const y = finiteSeries('lineFigure', `series[${i}].y`, s?.y);
    const x =
      s.x === undefined ? y.map((_, j) => j) : finiteSeries('lineFigure', `series[${i}].x`, s.x, y.length);
    return { type: 'scatter', mode: s.mode ?? 'lines', name: s.name ?? `series ${i}`, x, y };
  });
  const layout = baseLayout(opts);
  if (opts.logY === true) layout.yaxis = { ...(layout.yaxis as object), type: 'log' };
  return { data, layout };
}
