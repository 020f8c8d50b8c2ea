/**
 * HOG-style descriptors around landmarks, on typed arrays (no TensorFlow): gradients by central differences of a
 * gray image, sampled bilinearly on a square window of `cells` × `cells` cells of `cellSize` pixels centred on each
 * point, each sample voting its gradient magnitude into `bins` unsigned orientation bins over [0, π) (linear between
 * the two nearest bin centres k·π / bins) of its cell; each point's vector is L2-normalised. A constant image gives
 * zeros (no NaN).
 */
import { ShapeError, ValueError } from '../errors';
import { assertInteger, describe } from '../util/validate';
import { hogKernel } from './hogWasm';

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

/**
 * Unchecked worker of gradientMaps: writes the central differences of `gray` into gx, gy (each width · height),
 * zeros on the border rows / columns, overwriting whatever they held (buffers may be reused).
 */
export function gradientsInto(
  gray: Float32Array,
  width: number,
  height: number,
  gx: Float32Array,
  gy: Float32Array,
): void {
  const W = width;
  for (let y = 0; y < height; y++) {
    const row = y * W;
    gx[row] = 0;
    for (let i = row + 1; i < row + W - 1; i++) gx[i] = 0.5 * (gray[i + 1] - gray[i - 1]);
    if (W > 1) gx[row + W - 1] = 0;
    if (y === 0 || y === height - 1) {
      gy.fill(0, row, row + W);
    } else {
      for (let i = row; i < row + W; i++) gy[i] = 0.5 * (gray[i + W] - gray[i - W]);
    }
  }
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
  gradientsInto(gray, width, height, gx, gy);
  return { width, height, gx, gy };
}

const TAN_PI_8 = Math.tan(Math.PI / 8);
const TAN_3PI_8 = Math.tan((3 * Math.PI) / 8);
// atan(x) ≈ x + x·z·(A1 + A2·z + A3·z² + A4·z³ + A5·z⁴), z = x², for |x| ≤ tan(π/8): a least-squares fit on 2,000
// Chebyshev nodes of that range (made for this file), maximum error 1.6e-10 rad (checked in test/refine-kernels)
const A1 = -0.333333035586453;
const A2 = 0.19997920900558708;
const A3 = -0.14234888333533535;
const A4 = 0.10538447138744939;
const A5 = -0.05953429052483613;

/** atan(x) for |x| ≤ tan(π/8) (the reduced range). */
function atanSmall(x: number): number {
  const z = x * x;
  return x + x * z * (A1 + z * (A2 + z * (A3 + z * (A4 + z * A5))));
}

/**
 * The unsigned orientation of the gradient (sx, sy) in [0, π), as `atan2(sy, sx)` folded by π, without atan2: the
 * direction is reduced to |x| ≤ tan(π/8) by octant (a comparison and at most one division) and a polynomial does the
 * rest; error below 2e-10 rad. (0, 0) gives 0.
 * @example orientation(0, 1) // π / 2
 */
export function orientation(sx: number, sy: number): number {
  let x = sx;
  let y = sy;
  if (y < 0 || (y === 0 && x < 0)) {
    x = -x;
    y = -y;
  }
  // y ≥ 0: the angle of (|x|, y) in [0, π/2], then mirrored when x < 0
  const ax = x < 0 ? -x : x;
  let a: number;
  if (y > ax * TAN_3PI_8) a = Math.PI / 2 - atanSmall(ax / y);
  else if (y > ax * TAN_PI_8) a = Math.PI / 4 + atanSmall((y - ax) / (y + ax));
  else a = ax === 0 ? 0 : atanSmall(y / ax);
  const theta = x < 0 ? Math.PI - a : a;
  return theta >= Math.PI ? theta - Math.PI : theta;
}

/** Zero-padded copies of a border point's gradient window (grown on demand, reused across calls). */
let windowX = new Float32Array(0);
let windowY = new Float32Array(0);
/** Indices of the points sent to the WebAssembly kernel (reused). */
let interior = new Int32Array(0);
/** Calls with fewer points run in JavaScript only (the kernel's setup copies the maps). */
const WASM_MIN_POINTS = 4;

/**
 * Descriptors of N points (packed u, v in the image's pixel coordinates, pixel centres at integers) into `out`
 * (N × cells² · bins) at `offset`. Window samples outside the image count as zero gradient.
 *
 * The sample grid has integer steps, so the bilinear weights are the same for every sample of a point and are
 * computed once. A window wholly inside the image goes to the WebAssembly kernel (hogWasm.ts: four samples at a time
 * in SIMD, float32, within ~1e-6 of this loop) unless `kernel` is 'js' or the host has none; in JavaScript it reads
 * the gradient maps directly, and a window touching the border reads a zero-padded copy; the angle comes from
 * `orientation` (no atan2). Allocates nothing but `out` when it is not given.
 * @example const d = hogDescriptors(gradientMaps(gray, 64, 64), points, hogSpec('me'))
 */
export function hogDescriptors(
  maps: GradientMaps,
  points: Float32Array,
  spec: HogSpec,
  out?: Float32Array,
  offset = 0,
  kernel: 'auto' | 'js' = 'auto',
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
  const binsPerRadian = bins / Math.PI;
  const win = (side + 1) * (side + 1);
  if (windowX.length < win) {
    windowX = new Float32Array(win);
    windowY = new Float32Array(win);
  }
  // interior points go to the WebAssembly kernel (hogWasm.ts) when there is one, border points stay here
  const wasm = kernel === 'auto' && nPoints >= WASM_MIN_POINTS ? hogKernel() : null;
  if (wasm !== null) {
    wasm.begin(maps, spec, nPoints);
    if (interior.length < nPoints) interior = new Int32Array(nPoints);
  }
  let nInterior = 0;
  for (let p = 0; p < nPoints; p++) {
    const o = offset + p * L;
    const u0 = points[2 * p] - half;
    const v0 = points[2 * p + 1] - half;
    const x0 = Math.floor(u0);
    const y0 = Math.floor(v0);
    const fx = u0 - x0;
    const fy = v0 - y0;
    if (wasm !== null && x0 >= 0 && y0 >= 0 && x0 + side < W && y0 + side < H) {
      const r = nInterior++;
      interior[r] = p;
      wasm.pointsI[5 * r] = y0 * W + x0;
      wasm.pointsF[5 * r + 1] = (1 - fx) * (1 - fy);
      wasm.pointsF[5 * r + 2] = fx * (1 - fy);
      wasm.pointsF[5 * r + 3] = (1 - fx) * fy;
      wasm.pointsF[5 * r + 4] = fx * fy;
      continue;
    }
    dst.fill(0, o, o + L);
    // the four weights of every sample of this point (the taps in the order (x0, y0), (x0+1, y0), (x0, y0+1), (x0+1, y0+1))
    const w00 = (1 - fx) * (1 - fy);
    const w10 = fx * (1 - fy);
    const w01 = (1 - fx) * fy;
    const w11 = fx * fy;
    let ax = gx;
    let ay = gy;
    let base = y0 * W + x0;
    let stride = W;
    if (x0 < 0 || y0 < 0 || x0 + side >= W || y0 + side >= H) {
      // near or outside the border: a zero-padded copy of the (side + 1)² window
      stride = side + 1;
      base = 0;
      ax = windowX;
      ay = windowY;
      for (let r = 0; r <= side; r++) {
        const yi = y0 + r;
        for (let c = 0; c <= side; c++) {
          const xi = x0 + c;
          const inside = xi >= 0 && yi >= 0 && xi < W && yi < H;
          windowX[r * stride + c] = inside ? gx[yi * W + xi] : 0;
          windowY[r * stride + c] = inside ? gy[yi * W + xi] : 0;
        }
      }
    }
    for (let cy = 0; cy < cells; cy++) {
      for (let ry = 0; ry < cellSize; ry++) {
        const row = base + (cy * cellSize + ry) * stride;
        for (let cx = 0; cx < cells; cx++) {
          const cellBase = o + (cy * cells + cx) * bins;
          const first = row + cx * cellSize;
          for (let i = first; i < first + cellSize; i++) {
            const j = i + stride;
            const sx = w00 * ax[i] + w10 * ax[i + 1] + w01 * ax[j] + w11 * ax[j + 1];
            const sy = w00 * ay[i] + w10 * ay[i + 1] + w01 * ay[j] + w11 * ay[j + 1];
            const mag = Math.sqrt(sx * sx + sy * sy);
            if (mag === 0) continue;
            // t ∈ [0, bins]: the integer part by |0 (a float % is slow), bin `bins` wraps to 0
            const t = orientation(sx, sy) * binsPerRadian;
            const fl = t | 0;
            const b0 = fl >= bins ? fl - bins : fl;
            const frac = t - fl;
            dst[cellBase + b0] += mag * (1 - frac);
            dst[cellBase + (b0 + 1 === bins ? 0 : b0 + 1)] += mag * frac;
          }
        }
      }
    }
    let ss = 0;
    for (let i = o; i < o + L; i++) ss += dst[i] * dst[i];
    const inv = 1 / Math.sqrt(ss + 1e-6);
    for (let i = o; i < o + L; i++) dst[i] *= inv;
  }
  if (wasm !== null && nInterior > 0) {
    const d = wasm.run(nInterior);
    for (let r = 0; r < nInterior; r++) dst.set(d.subarray(r * L, (r + 1) * L), offset + interior[r] * L);
  }
  return dst;
}
