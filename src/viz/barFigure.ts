/** Bar charts (per-class counts, per-landmark errors, …). */
import { ShapeError } from '../errors';
import { type Figure, type FigureOptions, baseLayout, finiteSeries } from './figure';

/** One group of bars. */
export interface BarSeries {
  /** Legend entry. @default 'series i' */
  name?: string;
  /** Category labels or numeric positions, one per bar. */
  x: ReadonlyArray<string | number>;
  /** Bar heights. */
  y: ArrayLike<number>;
}

/** Options of `barFigure`. */
export interface BarFigureOptions extends FigureOptions {
  /** How several series share a category. @default 'group' */
  barmode?: 'group' | 'stack' | 'overlay';
}

/**
 * A bar chart with one trace per series.
 * @example show(barFigure([{ x: ['jaw', 'eyes'], y: [0.05, 0.02] }], { yTitle: 'NME' }))
 */
export function barFigure(series: readonly BarSeries[], opts: BarFigureOptions = {}): Figure {
  if (!Array.isArray(series) || series.length === 0) {
    throw new ShapeError(
      `barFigure: argument 'series' expected a non-empty array of {x, y}, got ${typeof series}`,
    );
  }
  const data = series.map((s, i) => {
    if (!Array.isArray(s?.x)) {
      throw new ShapeError(
        `barFigure: argument 'series[${i}].x' expected an array of labels, got ${typeof s?.x}`,
      );
    }
    const y = finiteSeries('barFigure', `series[${i}].y`, s.y, s.x.length);
    return { type: 'bar', name: s.name ?? `series ${i}`, x: [...s.x], y };
  });
  const layout = baseLayout(opts);
  layout.barmode = opts.barmode ?? 'group';
  return { data, layout };
}
