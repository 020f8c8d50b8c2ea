/** Scatter plots of 2D points, optionally coloured by a value (e.g. embeddings projected by PCA, coloured by yaw). */
import { ShapeError } from '../errors';
import { describe } from '../util/validate';
import { type Figure, type FigureOptions, baseLayout, finiteSeries } from './figure';

/** One set of points. */
export interface ScatterSeries {
  /** Legend entry. @default 'series i' */
  name?: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** One value per point, mapped to a colour scale (with a colour bar). @default one colour per series */
  color?: ArrayLike<number>;
  /** Hover text per point. @default none */
  text?: readonly string[];
}

/** Options of `scatterFigure`. */
export interface ScatterFigureOptions extends FigureOptions {
  /** Title of the colour bar. @default none */
  colorTitle?: string;
  /** Plotly colour scale. @default 'RdBu' */
  colorscale?: string;
  /** [min, max] of the colour scale, shared by every series. @default the values' range */
  colorRange?: readonly [number, number];
  /** Marker size in pixels. @default 5 */
  markerSize?: number;
}

/**
 * A scatter plot of one or more point sets.
 * @example show(scatterFigure([{ x, y, color: yaw, name: 'w_k' }], { colorTitle: 'yaw (°)' }))
 */
export function scatterFigure(series: readonly ScatterSeries[], opts: ScatterFigureOptions = {}): Figure {
  const fn = 'scatterFigure';
  if (!Array.isArray(series) || series.length === 0) {
    throw new ShapeError(
      `${fn}: argument 'series' expected a non-empty array of {x, y}, got ${describe(series)}`,
    );
  }
  const data = series.map((s, i) => {
    const x = finiteSeries(fn, `series[${i}].x`, s?.x);
    const y = finiteSeries(fn, `series[${i}].y`, s?.y, x.length);
    const marker: Record<string, unknown> = { size: opts.markerSize ?? 5 };
    if (s.color !== undefined) {
      marker.color = finiteSeries(fn, `series[${i}].color`, s.color, x.length);
      marker.colorscale = opts.colorscale ?? 'RdBu';
      marker.showscale = i === 0;
      if (opts.colorRange) {
        marker.cmin = opts.colorRange[0];
        marker.cmax = opts.colorRange[1];
      }
      if (opts.colorTitle !== undefined) marker.colorbar = { title: { text: opts.colorTitle } };
    }
    if (s.text !== undefined && s.text.length !== x.length) {
      throw new ShapeError(
        `${fn}: argument 'series[${i}].text' expected ${x.length} labels, got ${s.text.length}`,
      );
    }
    return {
      type: 'scatter',
      mode: 'markers',
      name: s.name ?? `series ${i}`,
      x,
      y,
      marker,
      ...(s.text ? { text: [...s.text] } : {}),
    };
  });
  return { data, layout: baseLayout(opts) };
}
