/**
 * Figures and drawings to files, atomically (temporary file + rename): a Plotly spec as a standalone
 * HTML page (plotly.js inlined, works offline), a raster as PNG.
 */
import * as path from 'node:path';
import { writeFileAtomic } from '../data/io/atomic';
import { ValueError } from '../errors';
import type { Raster } from '../types';
import { describe } from '../util/validate';
import type { Figure } from './figure';
import { figureHtml } from './figureHtml';
import { rasterToPng } from './rasterToPng';

function checkPath(fn: string, file: unknown, ext: string): asserts file is string {
  if (typeof file !== 'string' || path.extname(file).toLowerCase() !== ext) {
    throw new ValueError(`${fn}: argument 'file' expected a path ending in ${ext}, got ${describe(file)}`);
  }
}

/**
 * Writes `fig` as a standalone HTML page; returns the path.
 * @example viz.saveFigureHtml(viz.cedFigure(curves), 'out/ced.html')
 */
export function saveFigureHtml(fig: Figure, file: string, title = path.basename(file, '.html')): string {
  checkPath('saveFigureHtml', file, '.html');
  writeFileAtomic(file, figureHtml(fig, { standalone: true, title }));
  return file;
}

/**
 * Writes `raster` as a PNG file; returns the path.
 * @example viz.savePng(viz.drawEllipses(img, mean, cov), 'out/ellipses.png')
 */
export function savePng(raster: Raster, file: string): string {
  checkPath('savePng', file, '.png');
  writeFileAtomic(file, rasterToPng(raster));
  return file;
}
