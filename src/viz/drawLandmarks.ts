/** Draws landmarks (and optionally a box) onto a copy of a raster. */
import { ShapeError } from '../errors';
import { boxValidate } from '../landmarks/box';
import { schemeFor } from '../landmarks/scheme';
import { shapeValidate } from '../landmarks/shape';
import type { Raster } from '../types';
import { assertPositive } from '../util/validate';
import type { Warnings } from '../util/warnings';
import type { CanvasFactory } from './context2d';
import { type DrawShapeOptions, drawShapeOnContext, resolveDrawShapeOptions } from './drawShape';
import { napiCanvasFactory } from './napiCanvasFactory';
import { assertRaster } from '../data/io/raster-channels';
import { rasterFromRgba, rasterToRgba } from './rasterRgba';

/** Options of `drawLandmarks`: the drawing options plus the canvas factory. */
export interface DrawLandmarksOptions extends DrawShapeOptions {
  /** Makes the canvas to draw on. @default napiCanvasFactory (@napi-rs/canvas) */
  canvasFactory?: CanvasFactory;
  /** Receives a 'point-outside' warning when points fall outside the raster (they are clipped). @default none */
  warnings?: Warnings;
}

/**
 * A copy of `raster` with `shape` drawn on it: RGB for a grayscale or RGB input, RGBA for RGBA. Points
 * use the pixel-centre convention of `Shape` (a point at (x, y) covers pixel (x, y)).
 * @example const img = drawLandmarks(sample.image, sample.landmarks, { box: sample.box })
 */
export function drawLandmarks(raster: Raster, shape: Float32Array, opts: DrawLandmarksOptions = {}): Raster {
  assertRaster('drawLandmarks', 'raster', raster);
  shapeValidate('drawLandmarks', 'shape', shape, opts.scheme?.nPoints);
  const n = shape.length >> 1;
  if (opts.radius !== undefined) assertPositive('drawLandmarks', 'opts.radius', opts.radius);
  if (opts.lineWidth !== undefined) assertPositive('drawLandmarks', 'opts.lineWidth', opts.lineWidth);
  if (opts.box !== undefined) boxValidate('drawLandmarks', 'opts.box', opts.box);
  if (opts.visibility !== undefined && opts.visibility.length !== n) {
    throw new ShapeError(
      `drawLandmarks: argument 'opts.visibility' expected length ${n} (one per point), got length ${opts.visibility.length}`,
    );
  }
  if (opts.warnings !== undefined) {
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const x = shape[2 * i];
      const y = shape[2 * i + 1];
      if (x < -0.5 || y < -0.5 || x >= raster.width - 0.5 || y >= raster.height - 0.5) outside++;
    }
    if (outside > 0) {
      opts.warnings.warn(
        'point-outside',
        `drawLandmarks: ${outside} of ${n} points lie outside the ${raster.width}×${raster.height} raster (clipped)`,
      );
    }
  }
  const o = resolveDrawShapeOptions(opts.scheme ?? schemeFor(n), opts);
  const canvas = (opts.canvasFactory ?? napiCanvasFactory)(raster.width, raster.height);
  canvas.putRgba(rasterToRgba(raster), 0, 0, raster.width, raster.height);
  drawShapeOnContext(canvas.context(), shape, o);
  return rasterFromRgba(canvas.getRgba(), raster.width, raster.height, raster.channels === 4 ? 4 : 3);
}
