/**
 * Per-point uncertainty ellipses: a 2×2 covariance per landmark drawn as the ellipse of k standard
 * deviations. `ellipsePolygon` and `drawEllipsesOnContext` are pure (no DOM or Node import) and reused by
 * the widgets; `drawEllipses` draws onto a copy of a raster.
 */
import { ShapeError, ValueError } from '../errors';
import { shapeValidate } from '../landmarks/shape';
import type { Raster } from '../types';
import { assertPositive } from '../util/validate';
import { assertRaster } from '../data/io/raster-channels';
import type { CanvasFactory, Context2D } from './context2d';
import { napiCanvasFactory } from './napiCanvasFactory';
import { rasterFromRgba, rasterToRgba } from './rasterRgba';

/**
 * `segments` points on the ellipse {p : (p − m)ᵀ Σ⁻¹ (p − m) = k²} of the covariance
 * Σ = [[sxx, sxy], [sxy, syy]], interleaved x, y.
 */
export function ellipsePolygon(
  mx: number,
  my: number,
  sxx: number,
  sxy: number,
  syy: number,
  k: number,
  segments = 48,
): Float64Array {
  // Eigen-decomposition of the symmetric 2×2 matrix.
  const tr = (sxx + syy) / 2;
  const d = Math.sqrt(((sxx - syy) / 2) ** 2 + sxy * sxy);
  const l1 = Math.max(0, tr + d);
  const l2 = Math.max(0, tr - d);
  const theta = 0.5 * Math.atan2(2 * sxy, sxx - syy);
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  const a = k * Math.sqrt(l1);
  const b = k * Math.sqrt(l2);
  const out = new Float64Array(2 * segments);
  for (let i = 0; i < segments; i++) {
    const t = (2 * Math.PI * i) / segments;
    const u = a * Math.cos(t);
    const v = b * Math.sin(t);
    out[2 * i] = mx + c * u - s * v;
    out[2 * i + 1] = my + s * u + c * v;
  }
  return out;
}

/** Options of `drawEllipses` and `drawEllipsesOnContext`. */
export interface DrawEllipsesOptions {
  /** Standard deviations of the drawn contour. @default 2 */
  k?: number;
  /** CSS colour. @default 'rgba(0, 255, 255, 0.9)' */
  color?: string;
  /** Line width in pixels. @default 1 */
  lineWidth?: number;
  /** Makes the canvas (drawEllipses only). @default napiCanvasFactory */
  canvasFactory?: CanvasFactory;
}

/**
 * Draws one ellipse per point; `cov` holds sxx, sxy, syy per point (length 3N), in pixels². Same
 * half-pixel convention as `drawShapeOnContext`. No validation.
 */
export function drawEllipsesOnContext(
  ctx: Context2D,
  shape: ArrayLike<number>,
  cov: ArrayLike<number>,
  opts: DrawEllipsesOptions = {},
): void {
  const n = shape.length >> 1;
  const k = opts.k ?? 2;
  ctx.strokeStyle = opts.color ?? 'rgba(0, 255, 255, 0.9)';
  ctx.lineWidth = opts.lineWidth ?? 1;
  for (let i = 0; i < n; i++) {
    const p = ellipsePolygon(
      shape[2 * i] + 0.5,
      shape[2 * i + 1] + 0.5,
      cov[3 * i],
      cov[3 * i + 1],
      cov[3 * i + 2],
      k,
    );
    ctx.beginPath();
    ctx.moveTo(p[0], p[1]);
    for (let j = 2; j < p.length; j += 2) ctx.lineTo(p[j], p[j + 1]);
    ctx.closePath();
    ctx.stroke();
  }
}

/**
 * A copy of `raster` (RGB, or RGBA for RGBA) with the uncertainty ellipse of each point drawn.
 * @example show(drawEllipses(drawLandmarks(img, mean), mean, cov, { k: 2 }))
 */
export function drawEllipses(
  raster: Raster,
  shape: Float32Array,
  cov: ArrayLike<number>,
  opts: DrawEllipsesOptions = {},
): Raster {
  assertRaster('drawEllipses', 'raster', raster);
  shapeValidate('drawEllipses', 'shape', shape);
  const n = shape.length >> 1;
  if (cov?.length !== 3 * n) {
    throw new ShapeError(
      `drawEllipses: argument 'cov' expected length ${3 * n} (sxx, sxy, syy per point), got length ${cov?.length}`,
    );
  }
  for (let i = 0; i < n; i++) {
    const [sxx, sxy, syy] = [cov[3 * i], cov[3 * i + 1], cov[3 * i + 2]];
    if (
      ![sxx, sxy, syy].every(Number.isFinite) ||
      sxx < 0 ||
      syy < 0 ||
      sxy * sxy > sxx * syy * (1 + 1e-6) + 1e-12
    ) {
      throw new ValueError(
        `drawEllipses: argument 'cov' expected a positive semi-definite 2×2 covariance at point ${i}, got [${sxx}, ${sxy}, ${syy}]`,
      );
    }
  }
  if (opts.k !== undefined) assertPositive('drawEllipses', 'opts.k', opts.k);
  const canvas = (opts.canvasFactory ?? napiCanvasFactory)(raster.width, raster.height);
  canvas.putRgba(rasterToRgba(raster), 0, 0, raster.width, raster.height);
  drawEllipsesOnContext(canvas.context(), shape, cov, opts);
  return rasterFromRgba(canvas.getRgba(), raster.width, raster.height, raster.channels === 4 ? 4 : 3);
}
