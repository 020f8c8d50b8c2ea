/** A heatmap (e.g. a landmark's probability map from the posterior) blended over a face raster. */
import { ShapeError, ValueError } from '../errors';
import type { Box, Raster } from '../types';
import { assertInteger, assertInRange } from '../util/validate';
import { assertRaster } from '../data/io/raster-channels';
import type { CanvasFactory } from './context2d';
import { finiteSeries } from './figure';
import { type HeatmapRgbaOptions, heatmapRgba } from './heatmapRgba';
import { napiCanvasFactory } from './napiCanvasFactory';
import { rasterFromRgba, rasterToRgba } from './rasterRgba';

/** Options of `drawHeatmapOverlay`. */
export interface DrawHeatmapOverlayOptions extends HeatmapRgbaOptions {
  /**
   * Where the grid lies, in the pixel coordinates of shapes (a point at (x, y) is pixel (x, y)'s centre), as
   * `reasoning.posteriorHeatmap`'s `region`. @default the whole raster
   */
  rect?: Box;
  /** Makes the canvases. @default napiCanvasFactory */
  canvasFactory?: CanvasFactory;
}

/**
 * A copy of `raster` (RGB, or RGBA for RGBA) with the row-major `rows`×`cols` grid `values` scaled into
 * `rect` (bilinear) and blended on top: transparent where the values are low, bright where high.
 * @example const h = reasoning.posteriorHeatmap(p, table, box, { landmark: 'noseTip' });
 * show(drawHeatmapOverlay(image, h.values, h.cols, h.rows, { rect: h.region }))
 */
export function drawHeatmapOverlay(
  raster: Raster,
  values: ArrayLike<number>,
  cols: number,
  rows: number,
  opts: DrawHeatmapOverlayOptions = {},
): Raster {
  const fn = 'drawHeatmapOverlay';
  assertRaster(fn, 'raster', raster);
  assertInteger(fn, 'cols', cols, 1);
  assertInteger(fn, 'rows', rows, 1);
  const v = finiteSeries(fn, 'values', values, cols * rows);
  const neg = v.findIndex((x) => x < 0);
  if (neg >= 0)
    throw new ValueError(
      `${fn}: argument 'values' expected non-negative values, got ${v[neg]} at index ${neg}`,
    );
  if (opts.alpha !== undefined) assertInRange(fn, 'opts.alpha', opts.alpha, 0, 1);
  const rect = opts.rect ?? { x: -0.5, y: -0.5, width: raster.width, height: raster.height };
  if (
    ![rect.x, rect.y, rect.width, rect.height].every(Number.isFinite) ||
    !(rect.width > 0 && rect.height > 0)
  ) {
    throw new ShapeError(
      `${fn}: argument 'opts.rect' expected a box with positive width and height, got ${JSON.stringify(rect)}`,
    );
  }
  const factory = opts.canvasFactory ?? napiCanvasFactory;
  const canvas = factory(raster.width, raster.height);
  canvas.putRgba(rasterToRgba(raster), 0, 0, raster.width, raster.height);
  const heat = factory(cols, rows);
  heat.putRgba(heatmapRgba(v, cols, rows, opts), 0, 0, cols, rows);
  // Canvas (0, 0) is the top-left pixel's corner: shift by half a pixel, as drawShapeOnContext does.
  canvas.drawCanvas(heat, rect.x + 0.5, rect.y + 0.5, rect.width, rect.height);
  return rasterFromRgba(canvas.getRgba(), raster.width, raster.height, raster.channels === 4 ? 4 : 3);
}
