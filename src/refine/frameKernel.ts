/**
 * The cascade's descriptor frame, fast: the gray crop of a face box (the model's `cropInto` for one output channel,
 * value for value: the same sample positions, the same float32 rounding of every partial sum, so a frame is
 * bit-identical to the old one and saved cascades stay valid) followed by the gradient maps. The sample positions,
 * integer taps and weights of each column and row are computed once per frame in tables instead of once per sample,
 * and no closure or per-sample array is involved. Buffers are reused across calls (`FrameBuffers`).
 */
import { ValueError } from '../errors';
import { cropRect } from '../model/input';
import type { Box, Raster } from '../types';
import { frameKernel } from './frameWasm';
import { gradientsInto, type GradientMaps } from './hog';

/** Sample tables of one axis: per sample its two taps (pixel offset, −1 outside the image) and their weights. */
interface AxisTable {
  tap0: Int32Array;
  tap1: Int32Array;
  w0: Float64Array;
  w1: Float64Array;
}

function axisTable(length: number): AxisTable {
  return {
    tap0: new Int32Array(length),
    tap1: new Int32Array(length),
    w0: new Float64Array(length),
    w1: new Float64Array(length),
  };
}

/**
 * Fills an axis table: sample s = (output pixel o, sub-sample k) sits at start + (o + (k + 0.5) / per) · step, as in
 * cropInto; its taps are floor(x) and floor(x) + 1 times `scale` (the pixel stride), −1 when outside [0, limit).
 */
function fillAxis(
  t: AxisTable,
  start: number,
  step: number,
  size: number,
  per: number,
  limit: number,
  scale: number,
): void {
  for (let o = 0; o < size; o++) {
    for (let k = 0; k < per; k++) {
      const s = o * per + k;
      const x = start + (o + (k + 0.5) / per) * step;
      const x0 = Math.floor(x);
      const f = x - x0;
      t.tap0[s] = x0 >= 0 && x0 < limit ? x0 * scale : -1;
      t.tap1[s] = x0 + 1 >= 0 && x0 + 1 < limit ? (x0 + 1) * scale : -1;
      t.w0[s] = 1 - f;
      t.w1[s] = f;
    }
  }
}

/** Reusable scratch of {@link grayFrameInto} / {@link frameMaps}: keep one per caller (not shared across threads). */
export class FrameBuffers {
  /** The gray crop (size²). */
  gray = new Float32Array(0);
  /** Column and row sample tables. */
  cols = axisTable(0);
  rows = axisTable(0);

  /** Grows the buffers for a size × size frame with `nx`, `ny` sub-samples per pixel. */
  reserve(size: number, nx: number, ny: number): void {
    if (this.gray.length < size * size) this.gray = new Float32Array(size * size);
    if (this.cols.w0.length < size * nx) this.cols = axisTable(size * nx);
    if (this.rows.w0.length < size * ny) this.rows = axisTable(size * ny);
  }
}

/**
 * The gray crop of `box` grown by `margin`, resampled to size × size in [-1, 1], into buffers.gray (returned): equal
 * to `cropInto(raster, box, { size, channels: 1, margin }, …)` bit for bit, in WebAssembly (frameWasm.ts, the same
 * arithmetic) unless `kernel` is 'js' or the host has none. Unchecked arguments (validated upstream); a box wholly
 * outside the image is the same ValueError as cropToInput's.
 * @example const gray = grayFrameInto(image, box, 64, 0.25, new FrameBuffers())
 */
export function grayFrameInto(
  raster: Raster,
  box: Box,
  size: number,
  margin: number,
  buffers: FrameBuffers,
  kernel: 'auto' | 'js' = 'auto',
): Float32Array {
  const { width: W, height: H, channels: C, data } = raster;
  if (box.x + box.width <= -0.5 || box.y + box.height <= -0.5 || box.x >= W - 0.5 || box.y >= H - 0.5) {
    throw new ValueError(
      `cropToInput: argument 'box' lies wholly outside the ${W}×${H} image, got {x: ${box.x}, y: ${box.y}, width: ${box.width}, height: ${box.height}}`,
    );
  }
  const S = size;
  const r = cropRect(box, margin);
  const sx = r.width / S;
  const sy = r.height / S;
  const nx = Math.min(4, Math.max(1, Math.ceil(sx)));
  const ny = Math.min(4, Math.max(1, Math.ceil(sy)));
  const inv = 1 / (nx * ny);
  buffers.reserve(S, nx, ny);
  const { gray: out, cols, rows } = buffers;
  fillAxis(cols, r.x, sx, S, nx, W, C);
  fillAxis(rows, r.y, sy, S, ny, H, W * C);
  const wasm = kernel === 'auto' ? frameKernel() : null;
  if (wasm !== null && wasm.run(raster, cols, rows, S, nx, ny, inv, out)) return out;
  const { tap0: c0s, tap1: c1s, w0: cw0, w1: cw1 } = cols;
  const { tap0: r0s, tap1: r1s, w0: rw0, w1: rw1 } = rows;
  const PAD = 127.5;
  for (let v = 0; v < S; v++) {
    for (let u = 0; u < S; u++) {
      // float32 accumulators, rounded where cropInto's Float32Array scratch rounds them
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      for (let j = v * ny; j < v * ny + ny; j++) {
        const r0 = r0s[j];
        const r1 = r1s[j];
        const wy0 = rw0[j];
        const wy1 = rw1[j];
        for (let i = u * nx; i < u * nx + nx; i++) {
          const c0 = c0s[i];
          const c1 = c1s[i];
          // the four taps in cropInto's order: (x0, y0), (x0 + 1, y0), (x0, y0 + 1), (x0 + 1, y0 + 1)
          const w00 = wy0 * cw0[i];
          const w10 = wy0 * cw1[i];
          const w01 = wy1 * cw0[i];
          const w11 = wy1 * cw1[i];
          const p00 = r0 < 0 || c0 < 0 ? -1 : r0 + c0;
          const p10 = r0 < 0 || c1 < 0 ? -1 : r0 + c1;
          const p01 = r1 < 0 || c0 < 0 ? -1 : r1 + c0;
          const p11 = r1 < 0 || c1 < 0 ? -1 : r1 + c1;
          if (C === 1) {
            let p = Math.fround(w00 * (p00 < 0 ? PAD : data[p00]));
            p = Math.fround(p + w10 * (p10 < 0 ? PAD : data[p10]));
            p = Math.fround(p + w01 * (p01 < 0 ? PAD : data[p01]));
            p = Math.fround(p + w11 * (p11 < 0 ? PAD : data[p11]));
            a0 = Math.fround(a0 + p);
          } else {
            let q0 = Math.fround(w00 * (p00 < 0 ? PAD : data[p00]));
            let q1 = Math.fround(w00 * (p00 < 0 ? PAD : data[p00 + 1]));
            let q2 = Math.fround(w00 * (p00 < 0 ? PAD : data[p00 + 2]));
            q0 = Math.fround(q0 + w10 * (p10 < 0 ? PAD : data[p10]));
            q1 = Math.fround(q1 + w10 * (p10 < 0 ? PAD : data[p10 + 1]));
            q2 = Math.fround(q2 + w10 * (p10 < 0 ? PAD : data[p10 + 2]));
            q0 = Math.fround(q0 + w01 * (p01 < 0 ? PAD : data[p01]));
            q1 = Math.fround(q1 + w01 * (p01 < 0 ? PAD : data[p01 + 1]));
            q2 = Math.fround(q2 + w01 * (p01 < 0 ? PAD : data[p01 + 2]));
            q0 = Math.fround(q0 + w11 * (p11 < 0 ? PAD : data[p11]));
            q1 = Math.fround(q1 + w11 * (p11 < 0 ? PAD : data[p11 + 1]));
            q2 = Math.fround(q2 + w11 * (p11 < 0 ? PAD : data[p11 + 2]));
            a0 = Math.fround(a0 + q0);
            a1 = Math.fround(a1 + q1);
            a2 = Math.fround(a2 + q2);
          }
        }
      }
      const g = C === 1 ? a0 : 0.299 * a0 + 0.587 * a1 + 0.114 * a2;
      out[v * S + u] = (g * inv) / 127.5 - 1;
    }
  }
  return out;
}

/**
 * The gradient maps of a face's descriptor frame (new gx, gy arrays; the gray crop lives in `buffers`).
 * @example const maps = frameMaps(image, box, 64, 0.25, new FrameBuffers())
 */
export function frameMaps(
  raster: Raster,
  box: Box,
  size: number,
  margin: number,
  buffers: FrameBuffers,
): GradientMaps {
  const gray = grayFrameInto(raster, box, size, margin, buffers);
  const gx = new Float32Array(size * size);
  const gy = new Float32Array(size * size);
  gradientsInto(gray, size, size, gx, gy);
  return { width: size, height: size, gx, gy };
}
