/** A grid of rasters (with optional labels) as one raster: the notebooks' way to show many faces. */
import { ShapeError } from '../errors';
import type { Raster } from '../types';
import { assertInteger } from '../util/validate';
import type { CanvasFactory } from './context2d';
import { napiCanvasFactory } from './napiCanvasFactory';
import { assertRaster } from '../data/io/raster-channels';
import { rasterFromRgba, rasterToRgba } from './rasterRgba';

/** Options of `contactSheet`. */
export interface ContactSheetOptions {
  /** Images per row. */
  columns: number;
  /** One caption per raster, drawn under it. @default no captions */
  labels?: readonly string[];
  /** Side of the square cell each raster is scaled to fit (keeping its aspect ratio). @default the largest raster side */
  cellSize?: number;
  /** Gap between cells and around the sheet, in pixels. @default 2 */
  padding?: number;
  /** CSS background colour. @default '#ffffff' */
  background?: string;
  /** CSS colour of the captions. @default '#000000' */
  labelColor?: string;
  /** Makes the canvases. @default napiCanvasFactory */
  canvasFactory?: CanvasFactory;
}

const LABEL_HEIGHT = 14;

/**
 * An RGB raster with `rasters` laid out row by row, `columns` per row, each scaled to fit a square cell.
 * @example show(contactSheet(samples.map((s) => drawLandmarks(s.image, s.landmarks)), { columns: 4 }))
 */
export function contactSheet(rasters: readonly Raster[], opts: ContactSheetOptions): Raster {
  if (!Array.isArray(rasters) || rasters.length === 0) {
    throw new ShapeError(
      `contactSheet: argument 'rasters' expected a non-empty array of rasters, got ${Array.isArray(rasters) ? 'an empty array' : typeof rasters}`,
    );
  }
  rasters.forEach((r, i) => assertRaster('contactSheet', `rasters[${i}]`, r));
  assertInteger('contactSheet', 'opts.columns', opts?.columns, 1);
  const labels = opts.labels;
  if (labels !== undefined && labels.length !== rasters.length) {
    throw new ShapeError(
      `contactSheet: argument 'opts.labels' expected ${rasters.length} labels (one per raster), got ${labels.length}`,
    );
  }
  const cell = opts.cellSize ?? Math.max(...rasters.map((r) => Math.max(r.width, r.height)));
  assertInteger('contactSheet', 'opts.cellSize', cell, 1);
  const pad = opts.padding ?? 2;
  assertInteger('contactSheet', 'opts.padding', pad, 0);
  const factory = opts.canvasFactory ?? napiCanvasFactory;

  const cols = Math.min(opts.columns, rasters.length);
  const rows = Math.ceil(rasters.length / cols);
  const cellH = cell + (labels ? LABEL_HEIGHT : 0);
  const width = pad + cols * (cell + pad);
  const height = pad + rows * (cellH + pad);
  const sheet = factory(width, height);
  const ctx = sheet.context();
  ctx.fillStyle = opts.background ?? '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.font = '11px sans-serif';
  ctx.textBaseline = 'top';
  rasters.forEach((r, i) => {
    const cx = pad + (i % cols) * (cell + pad);
    const cy = pad + Math.floor(i / cols) * (cellH + pad);
    const s = cell / Math.max(r.width, r.height);
    const w = Math.max(1, Math.round(r.width * s));
    const h = Math.max(1, Math.round(r.height * s));
    const src = factory(r.width, r.height);
    src.putRgba(rasterToRgba(r), 0, 0, r.width, r.height);
    sheet.drawCanvas(src, cx + ((cell - w) >> 1), cy + ((cell - h) >> 1), w, h);
    if (labels) {
      ctx.fillStyle = opts.labelColor ?? '#000000';
      ctx.fillText(labels[i], cx, cy + cell + 1);
    }
  });
  return rasterFromRgba(sheet.getRgba(), width, height, 3);
}
