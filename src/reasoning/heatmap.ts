/**
 * Heatmaps of the mixture (eq. 3) on a pixel grid: the probability that a landmark (or a group's points, or a group's
 * centroid) lies in each cell of any region at any resolution. Each class's Gaussian is integrated over the cells
 * (differences of the normal CDF along x and y, tabulated to ~1e-7, over the cells within 6 sd; classes of weight
 * below 1e-12 are skipped), so the grid holds the mixture's mass inside the region, which is then normalised: the
 * heatmap integrates to 1, and `inside` says how much of the landmark's probability the region
 * held.
 */
import { ShapeError, ValueError } from '../errors';
import { boxValidate } from '../landmarks/box';
import type { Box } from '../types';
import { assertInteger, assertOneOf, describe } from '../util/validate';
import type { Warnings } from '../util/warnings';
import { groupResolve, landmarkResolve, tableScheme, type LandmarkRef } from './landmarkRef';
import { normalCdfFast } from './normal';
import type { PosteriorLike, ReasoningTable } from './posterior';
import { prepare, prepareBox } from './support';

/** Options of `posteriorHeatmap`: one of `landmark` or `group`. */
export interface HeatmapOptions {
  /** The landmark ('noseTip', 'jaw.8', an index). */
  landmark?: LandmarkRef;
  /** A group ('leftEye', 'outerLips', 'face', …). */
  group?: string;
  /** For a group: 'points' = where any one of its points lies (their average), 'centroid' = where its centre lies. @default 'points' */
  groupMode?: 'points' | 'centroid';
  /** The region in image pixels. @default the face box enlarged by a quarter of its size on each side */
  region?: Box;
  /** Columns of the grid. @default 64 */
  cols?: number;
  /** Rows of the grid. @default cols × region height / width, rounded */
  rows?: number;
  /** Told ('heatmap-outside') when none of the target's probability reaches the region. @default none */
  warnings?: Warnings;
}

/** A heatmap: probability per cell, row-major (row 0 at the region's top), summing to 1. */
export interface Heatmap {
  values: Float64Array;
  rows: number;
  cols: number;
  region: Box;
  /** Cell size in pixels (values / (cellWidth·cellHeight) is a density per pixel²). */
  cellWidth: number;
  cellHeight: number;
  /** Probability that the target lies inside the region, before normalising. */
  inside: number;
  /** Mass of the full posterior left out (the sparse posterior's ε). */
  epsilon: number;
}

/** Gaussians are integrated over the cells within this many sd (Φ(−6) ≈ 1e-9 of each class's mass is left out). */
const REACH = 6;

/** Classes below this weight are skipped: together they hold at most K × 1e-12 of the heatmap. */
const SKIP = 1e-12;

/**
 * The heatmap of a landmark or group for a face in `box`.
 * @example const h = posteriorHeatmap(sp, table, box, { landmark: 'noseTip', cols: 64 }); viz.heatmapFigure(h.values, h.rows, h.cols)
 */
export function posteriorHeatmap(
  posterior: PosteriorLike,
  table: ReasoningTable,
  box: Box,
  opts: HeatmapOptions = {},
): Heatmap {
  const fn = 'posteriorHeatmap';
  const s = prepare(fn, posterior, table);
  const f = prepareBox(fn, box);
  const scheme = tableScheme(table);
  if ((opts.landmark === undefined) === (opts.group === undefined)) {
    throw new ValueError(
      `${fn}: options expected exactly one of 'landmark' or 'group', got ${opts.landmark === undefined ? 'neither' : 'both'}`,
    );
  }
  const points =
    opts.landmark !== undefined
      ? [landmarkResolve(fn, opts.landmark, scheme)]
      : groupResolve(fn, opts.group!, scheme);
  const mode = opts.groupMode ?? 'points';
  assertOneOf(fn, 'groupMode', mode, ['points', 'centroid'] as const);
  const region = opts.region ?? {
    x: box.x - box.width / 4,
    y: box.y - box.height / 4,
    width: box.width * 1.5,
    height: box.height * 1.5,
  };
  boxValidate(fn, 'region', region);
  const cols = opts.cols ?? 64;
  assertInteger(fn, 'cols', cols, 1, 4096);
  const rows = opts.rows ?? Math.max(1, Math.round((cols * region.height) / region.width));
  assertInteger(fn, 'rows', rows, 1, 4096);
  if (rows * cols > 4096 * 1024) {
    throw new ShapeError(
      `${fn}: arguments 'rows' × 'cols' expected at most ${4096 * 1024} cells, got ${describe(rows * cols)}`,
    );
  }
  const cw = region.width / cols;
  const ch = region.height / rows;
  const grid = new Float64Array(rows * cols);
  const px = new Float64Array(cols + 1);
  const py = new Float64Array(rows + 1);
  const D = 2 * table.nPoints;
  const { centers, sigma } = table;
  const centroid = mode === 'centroid' && points.length > 1;
  const n = points.length;
  // adds weight w of a Gaussian at (cx, cy) with sd (sx, sy), integrated over the cells
  const add = (w: number, cx: number, cy: number, sx: number, sy: number): void => {
    sx = Math.max(sx, 1e-9 * cw);
    sy = Math.max(sy, 1e-9 * ch);
    const i0 = Math.max(0, Math.floor((cx - REACH * sx - region.x) / cw));
    const i1 = Math.min(cols - 1, Math.floor((cx + REACH * sx - region.x) / cw));
    const j0 = Math.max(0, Math.floor((cy - REACH * sy - region.y) / ch));
    const j1 = Math.min(rows - 1, Math.floor((cy + REACH * sy - region.y) / ch));
    if (i0 > i1 || j0 > j1) return;
    for (let i = i0; i <= i1 + 1; i++) px[i] = normalCdfFast((region.x + i * cw - cx) / sx);
    for (let j = j0; j <= j1 + 1; j++) py[j] = normalCdfFast((region.y + j * ch - cy) / sy);
    for (let j = j0; j <= j1; j++) {
      const wy = w * (py[j + 1] - py[j]);
      if (wy <= 0) continue;
      const o = j * cols;
      for (let i = i0; i <= i1; i++) grid[o + i] += wy * (px[i + 1] - px[i]);
    }
  };
  for (let t = 0; t < s.indices.length; t++) {
    const k = s.indices[t];
    const w = s.weights[t];
    if (w < SKIP) continue;
    const o = k * D;
    const sx = sigma[k] * f.sdx;
    const sy = sigma[k] * f.sdy;
    if (centroid) {
      let ax = 0;
      let ay = 0;
      for (const j of points) {
        ax += centers[o + 2 * j];
        ay += centers[o + 2 * j + 1];
      }
      const r = 1 / Math.sqrt(n);
      add(w, f.x + (ax / n) * f.w, f.y + (ay / n) * f.h, sx * r, sy * r);
    } else {
      for (const j of points)
        add(w / n, f.x + centers[o + 2 * j] * f.w, f.y + centers[o + 2 * j + 1] * f.h, sx, sy);
    }
  }
  let inside = 0;
  for (let i = 0; i < grid.length; i++) inside += grid[i];
  if (inside > 0) for (let i = 0; i < grid.length; i++) grid[i] /= inside;
  else {
    // nothing reaches the region: uniform, with inside = 0 and a warning saying so
    grid.fill(1 / grid.length);
    opts.warnings?.warn(
      'heatmap-outside',
      `${fn}: none of the probability of ${opts.landmark !== undefined ? `landmark ${String(opts.landmark)}` : `group ${opts.group}`} reaches the region ${JSON.stringify(region)} (uniform heatmap, inside = 0)`,
    );
  }
  return {
    values: grid,
    rows,
    cols,
    region: { ...region },
    cellWidth: cw,
    cellHeight: ch,
    inside: Math.min(1, inside),
    epsilon: s.epsilon,
  };
}
