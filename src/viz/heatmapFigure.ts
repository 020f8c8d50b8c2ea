/** Heatmaps (landmark probability maps, confusion matrices, distance matrices). */
import { ShapeError } from '../errors';
import { assertInteger } from '../util/validate';
import { type Figure, type FigureOptions, baseLayout, finiteSeries } from './figure';

/** Options of `heatmapFigure`. */
export interface HeatmapFigureOptions extends FigureOptions {
  /** Plotly colour scale name. @default 'Viridis' */
  colorscale?: string;
  /** Column labels. @default 0 … cols-1 */
  xLabels?: ReadonlyArray<string | number>;
  /** Row labels. @default 0 … rows-1 */
  yLabels?: ReadonlyArray<string | number>;
  /** Row 0 at the top, as in an image or matrix. @default true */
  rowsDown?: boolean;
}

/**
 * A heatmap of a row-major `rows`×`cols` grid of values.
 * @example show(heatmapFigure(confusion, k, k, { xTitle: 'predicted', yTitle: 'true' }))
 */
export function heatmapFigure(
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  opts: HeatmapFigureOptions = {},
): Figure {
  assertInteger('heatmapFigure', 'rows', rows, 1);
  assertInteger('heatmapFigure', 'cols', cols, 1);
  const v = finiteSeries('heatmapFigure', 'values', values, rows * cols);
  for (const [name, labels, n] of [
    ['opts.xLabels', opts.xLabels, cols],
    ['opts.yLabels', opts.yLabels, rows],
  ] as const) {
    if (labels !== undefined && labels.length !== n) {
      throw new ShapeError(`heatmapFigure: argument '${name}' expected ${n} labels, got ${labels.length}`);
    }
  }
  const z = Array.from({ length: rows }, (_, r) => v.slice(r * cols, (r + 1) * cols));
  const trace: Record<string, unknown> = { type: 'heatmap', z, colorscale: opts.colorscale ?? 'Viridis' };
  if (opts.xLabels !== undefined) trace.x = [...opts.xLabels];
  if (opts.yLabels !== undefined) trace.y = [...opts.yLabels];
  const layout = baseLayout(opts);
  if (opts.rowsDown ?? true) layout.yaxis = { ...(layout.yaxis as object), autorange: 'reversed' };
  return { data: [trace as Figure['data'][number]], layout };
}
