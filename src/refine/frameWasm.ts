/**
 * The gray crop of the descriptor frame in WebAssembly (wasm/grayFrame.wat, bit-identical to frameKernel.ts's
 * JavaScript loop and the model's cropInto), for frameKernel.ts: the host copies the part of the raster the taps touch
 * (a compact sub-image) and the sample tables into the module's plain WebAssembly.Memory, runs it, and reads the
 * size × size result. Null where the host has no WebAssembly (frameKernel.ts then keeps its JavaScript loop).
 */
import type { Raster } from '../types';
import { instantiate, lazyKernel, type WasmMemory } from './ridgeWasm';
import { WASM_BASE64 } from './wasm/grayFrameWasm';

/** Per sample of one axis: its two taps (byte offsets, −1 outside) and weights, as frameKernel.ts builds them. */
export interface FrameAxis {
  tap0: Int32Array;
  tap1: Int32Array;
  w0: Float64Array;
  w1: Float64Array;
}

type FrameFn = (
  data: number,
  C: number,
  ct0: number,
  ct1: number,
  cw0: number,
  cw1: number,
  rt0: number,
  rt1: number,
  rw0: number,
  rw1: number,
  out: number,
  S: number,
  nx: number,
  ny: number,
  inv: number,
) => void;

const PAGE = 65536;
const align16 = (n: number): number => (n + 15) & ~15;

/** Smallest and largest valid tap (offset / unit) of an axis table's first n samples; [1, 0] when none. */
function tapRange(t: FrameAxis, n: number, unit: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let s = 0; s < n; s++) {
    const a = t.tap0[s];
    const b = t.tap1[s];
    if (a >= 0) {
      lo = Math.min(lo, a / unit);
      hi = Math.max(hi, a / unit);
    }
    if (b >= 0) {
      lo = Math.min(lo, b / unit);
      hi = Math.max(hi, b / unit);
    }
  }
  return lo <= hi ? [lo, hi] : [1, 0];
}

/** A WebAssembly instance of the frame crop. */
export class FrameKernel {
  private readonly memory: WasmMemory;
  private readonly frame: FrameFn;

  constructor() {
    ({ memory: this.memory, fn: this.frame } = instantiate<FrameFn>(WASM_BASE64, 'frame'));
  }

  /**
   * The S × S gray crop into `out` from the axis tables (column taps in units of C bytes, row taps of W · C), nx × ny
   * samples per pixel, `inv` = 1 / (nx · ny). Returns false (nothing written) when no tap touches the image.
   */
  run(
    raster: Raster,
    cols: FrameAxis,
    rows: FrameAxis,
    S: number,
    nx: number,
    ny: number,
    inv: number,
    out: Float32Array,
  ): boolean {
    const { width: W, channels: C, data } = raster;
    const nxs = S * nx;
    const nys = S * ny;
    const [x0, x1] = tapRange(cols, nxs, C);
    const [y0, y1] = tapRange(rows, nys, W * C);
    if (x0 > x1 || y0 > y1) return false;
    const rowBytes = (x1 - x0 + 1) * C;
    // layout: [sub-image | ct0 | ct1 | cw0 | cw1 | rt0 | rt1 | rw0 | rw1 | out]
    const ct0 = align16((y1 - y0 + 1) * rowBytes);
    const ct1 = ct0 + align16(4 * nxs);
    const cw0 = ct1 + align16(4 * nxs);
    const cw1 = cw0 + 8 * nxs;
    const rt0 = cw1 + 8 * nxs;
    const rt1 = rt0 + align16(4 * nys);
    const rw0 = rt1 + align16(4 * nys);
    const rw1 = rw0 + 8 * nys;
    const o = rw1 + 8 * nys;
    const need = Math.ceil((o + 4 * S * S) / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (need > 0) this.memory.grow(need);
    const buf = this.memory.buffer;
    const bytes = new Uint8Array(buf);
    for (let y = y0; y <= y1; y++) {
      bytes.set(data.subarray((y * W + x0) * C, (y * W + x1 + 1) * C), (y - y0) * rowBytes);
    }
    // the tables, relative to the sub-image
    const i32 = new Int32Array(buf);
    const f64 = new Float64Array(buf);
    for (let s = 0; s < nxs; s++) {
      i32[ct0 / 4 + s] = cols.tap0[s] < 0 ? -1 : cols.tap0[s] - x0 * C;
      i32[ct1 / 4 + s] = cols.tap1[s] < 0 ? -1 : cols.tap1[s] - x0 * C;
    }
    for (let s = 0; s < nys; s++) {
      i32[rt0 / 4 + s] = rows.tap0[s] < 0 ? -1 : (rows.tap0[s] / (W * C) - y0) * rowBytes;
      i32[rt1 / 4 + s] = rows.tap1[s] < 0 ? -1 : (rows.tap1[s] / (W * C) - y0) * rowBytes;
    }
    f64.set(cols.w0.subarray(0, nxs), cw0 / 8);
    f64.set(cols.w1.subarray(0, nxs), cw1 / 8);
    f64.set(rows.w0.subarray(0, nys), rw0 / 8);
    f64.set(rows.w1.subarray(0, nys), rw1 / 8);
    this.frame(0, C, ct0, ct1, cw0, cw1, rt0, rt1, rw0, rw1, o, S, nx, ny, inv);
    out.set(new Float32Array(buf, o, S * S));
    return true;
  }
}

/** This thread's WebAssembly frame crop, made on first use; null where the host cannot run it. */
export const frameKernel = lazyKernel(() => new FrameKernel());
