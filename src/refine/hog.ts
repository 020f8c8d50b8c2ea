/**
 * HOG-style descriptors around landmarks, on typed arrays (no TensorFlow): gradients by central differences of a
 * gray image, sampled bilinearly on a square window of `cells` × `cells` cells of `cellSize` pixels centred on each
 * point, each sample voting its gradient magnitude into `bins` unsigned orientation bins over [0, π) (linear between
 * the two nearest bin centres k·π / bins) of its cell; each point's vector is L2-normalised. A constant image gives
 * zeros (no NaN).
 */
import { ShapeError, ValueError } from '../errors';
import { assertInteger, describe } from '../util/validate';

/** Options of the descriptor. */
export interface HogOptions {
  /** Cells per side of the window. @default 2 */
  cells?: number;
  /** Pixels per side of a cell. @default 5 */
  cellSize?: number;
  /** Orientation bins over [0, π). @default 6 */
  bins?: number;
}

/** HogOptions with the defaults applied. */
export type HogSpec = Required<HogOptions>;

/** Applies the defaults of HogOptions (the one place they live) and checks them. */
export function hogSpec(fn: string, opts: HogOptions = {}): HogSpec {
  const s = { cells: opts.cells ?? 2, cellSize: opts.cellSize ?? 5, bins: opts.bins ?? 6 };
  assertInteger(fn, 'hog.cells', s.cells, 1, 8);
  assertInteger(fn, 'hog.cellSize', s.cellSize, 1, 64);
  assertInteger(fn, 'hog.bins', s.bins, 1, 36);
  return s;
}

/** Values per point: cells² · bins. */
export function hogLength(spec: HogSpec): number {
  return spec.cells * spec.cells * spec.bins;
}

/** Horizontal and vertical gradients of a gray image (central differences; 0 on the border rows / columns). */
export interface GradientMaps {
  width: number;
  height: number;
  gx: Float32Array;
  gy: Float32Array;
}

/** Gradients of a width × height gray image (row-major). */
export function gradientMaps(gray: Float32Array, width: number, height: number): GradientMaps {
  const fn = 'gradientMaps';
  assertInteger(fn, 'width', width, 1, 1 << 16);
  assertInteger(fn, 'height', height, 1, 1 << 16);
  if (!(gray instanceof Float32Array) || gray.length !== width * height) {
    throw new ShapeError(
      `${fn}: argument 'gray' expected a Float32Array of ${width}·${height} = ${width * height} values, got ${describe(gray)}`,
    );
  }
  const gx = new Float32Array(width * height);
  const gy = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (x > 0 && x < width - 1) gx[i] = 0.5 * (gray[i + 1] - gray[i - 1]);
      if (y > 0 && y < height - 1) gy[i] = 0.5 * (gray[i + width] - gray[i - width]);
    }
  }
  return { width, height, gx, gy };
}

/**
 * Descriptors of N points (packed u, v in the image's pixel coordinates, pixel centres at integers) into `out`
 * (N × cells² · bins) at `offset`. Window samples outside the image count as zero gradient.
 * @example const d = hogDescriptors(gradientMaps(gray, 64, 64), points, hogSpec('me'))
 */
export function hogDescriptors(
  maps: GradientMaps,
  points: Float32Array,
  spec: HogSpec,
  out?: Float32Array,
  offset = 0,
): Float32Array {
  const fn = 'hogDescriptors';
  if (!(points instanceof Float32Array) || points.length % 2 !== 0) {
    throw new ShapeError(`${fn}: argument 'points' expected packed (u, v) pairs, got ${describe(points)}`);
  }
  const nPoints = points.length / 2;
  const L = hogLength(spec);
  const dst = out ?? new Float32Array(nPoints * L);
  if (dst.length < offset + nPoints * L) {
    throw new ShapeError(
      `${fn}: argument 'out' expected at least ${offset + nPoints * L} values, got ${dst.length}`,
    );
  }
  for (let i = 0; i < points.length; i++) {
    if (!Number.isFinite(points[i])) {
      throw new ValueError(`${fn}: argument 'points' expected finite values, got ${points[i]} at index ${i}`);
    }
  }
  const { width: W, height: H, gx, gy } = maps;
  const { cells, cellSize, bins } = spec;
  const side = cells * cellSize;
  const half = side / 2 - 0.5;
  const binWidth = Math.PI / bins;
  for (let p = 0; p < nPoints; p++) {
    const o = offset + p * L;
    dst.fill(0, o, o + L);
    const u0 = points[2 * p] - half;
    const v0 = points[2 * p + 1] - half;
    for (let r = 0; r < side; r++) {
      const v = v0 + r;
      const y0 = Math.floor(v);
      const fy = v - y0;
      const cellRow = Math.floor(r / cellSize) * cells;
      for (let c = 0; c < side; c++) {
        const u = u0 + c;
        const x0 = Math.floor(u);
        const fx = u - x0;
        // bilinear gradient at (u, v); samples outside the image are 0
        let sx = 0;
        let sy = 0;
        for (let k = 0; k < 4; k++) {
          const xi = x0 + (k & 1);
          const yi = y0 + (k >> 1);
          if (xi < 0 || yi < 0 || xi >= W || yi >= H) continue;
          const w = (k & 1 ? fx : 1 - fx) * (k >> 1 ? fy : 1 - fy);
          if (w === 0) continue;
          sx += w * gx[yi * W + xi];
          sy += w * gy[yi * W + xi];
        }
        const mag = Math.sqrt(sx * sx + sy * sy);
        if (mag === 0) continue;
        let theta = Math.atan2(sy, sx);
        if (theta < 0) theta += Math.PI;
        if (theta >= Math.PI) theta -= Math.PI;
        const t = theta / binWidth;
        const b0 = Math.floor(t) % bins;
        const frac = t - Math.floor(t);
        const cellBase = o + (cellRow + Math.floor(c / cellSize)) * bins;
        dst[cellBase + b0] += mag * (1 - frac);
        dst[cellBase + ((b0 + 1) % bins)] += mag * frac;
      }
    }
    let ss = 0;
    for (let i = o; i < o + L; i++) ss += dst[i] * dst[i];
    const inv = 1 / Math.sqrt(ss + 1e-6);
    for (let i = o; i < o + L; i++) dst[i] *= inv;
  }
  return dst;
}
