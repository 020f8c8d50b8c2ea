/**
 * The cascade's ridge product in WebAssembly (wasm/ridgeDots.wat: 128-bit SIMD, float32 inputs promoted to float64 and
 * summed in float64, like the JavaScript loop, so both agree to ~1e-16 relative). One module instance per thread owns
 * a plain WebAssembly.Memory: the models' transposed, zero-padded weights are copied into it on first use and kept
 * (keyed by model) up to WEIGHT_ARENA_BYTES, after which the cache starts over; each call copies its rows behind
 * them. Where WebAssembly or its SIMD is missing, `ridgeDotsKernel()` is null and ridge.ts keeps its JavaScript loop.
 */
import type { RidgeModel } from './ridge';
import { WASM_BASE64 } from './wasm/ridgeDotsWasm';

/** The part of the WebAssembly API used here (the project's TypeScript lib has no DOM / WebAssembly types). */
/** A WebAssembly.Memory (the part used here). */
export interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}
/** The WebAssembly constructors used by the refine kernels. */
export interface WasmApi {
  Memory: new (d: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
}
type Dots = (wt: number, x: number, out: number, n: number, dp: number, mp: number) => void;

/**
 * An instance of a refine kernel module (its base64 bytes) on a fresh plain memory of one page, and its export `name`.
 * Throws where the host has no WebAssembly or the module does not compile (no SIMD).
 */
export function instantiate<F>(base64: string, name: string): { memory: WasmMemory; fn: F } {
  const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const memory = new WA.Memory({ initial: 1 });
  const inst = new WA.Instance(new WA.Module(decodeBase64(base64)), { env: { memory } });
  return { memory, fn: inst.exports[name] as F };
}

const PAGE = 65536;
/** Bytes of weights kept in the module's memory before the cache starts over. */
export const WEIGHT_ARENA_BYTES = 64 << 20;
/** Models with more weights than this (bytes, padded) stay on the JavaScript loop. */
const MAX_MODEL_BYTES = 16 << 20;

const align16 = (n: number): number => (n + 15) & ~15;
const pad4 = (n: number): number => (n + 3) & ~3;

/** A compiled module's bytes from base64 (atob where the host has it, else Node's Buffer). */
export function decodeBase64(s: string): Uint8Array {
  const atob = (globalThis as { atob?: (s: string) => string }).atob;
  if (typeof atob === 'function') return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  return new Uint8Array(Buffer.from(s, 'base64'));
}

/** A WebAssembly instance of the ridge product with its weight cache. */
export class RidgeDots {
  private readonly memory: WasmMemory;
  private readonly dots: Dots;
  private readonly slots = new WeakMap<RidgeModel, { gen: number; offset: number; weights: Float32Array }>();
  private gen = 0;
  private top = 0;

  /** @param arenaBytes weights kept before the cache starts over (smaller in tests). */
  constructor(private readonly arenaBytes = WEIGHT_ARENA_BYTES) {
    ({ memory: this.memory, fn: this.dots } = instantiate<Dots>(WASM_BASE64, 'dots'));
  }

  /** Whether the model is small enough for the module (else use the JavaScript loop). */
  fits(model: RidgeModel): boolean {
    return pad4(model.inputDim) * pad4(model.outputDim) * 4 <= MAX_MODEL_BYTES;
  }

  private reserve(bytes: number): void {
    const need = Math.ceil(bytes / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (need > 0) this.memory.grow(need);
  }

  /** Byte offset of the model's Wᵀ (Mp × Dp, zero padded) in the memory, copied there on first use. */
  private weightsOf(model: RidgeModel): number {
    const s = this.slots.get(model);
    if (s !== undefined && s.gen === this.gen && s.weights === model.weights) return s.offset;
    const { inputDim: d, outputDim: m, weights } = model;
    const dp = pad4(d);
    const mp = pad4(m);
    const bytes = dp * mp * 4;
    if (this.top > 0 && this.top + bytes > this.arenaBytes) {
      this.gen++;
      this.top = 0;
    }
    const offset = this.top;
    this.reserve(offset + bytes);
    const wt = new Float32Array(this.memory.buffer, offset, dp * mp);
    wt.fill(0);
    for (let i = 0; i < d; i++) for (let j = 0; j < m; j++) wt[j * dp + i] = weights[i * m + j];
    this.top = align16(offset + bytes);
    this.slots.set(model, { gen: this.gen, offset, weights });
    return offset;
  }

  /** out (n × m) = x (n × d rows) · W + b. Unchecked sizes. */
  apply(model: RidgeModel, x: Float32Array, n: number, out: Float32Array): void {
    const { inputDim: d, outputDim: m, bias } = model;
    const dp = pad4(d);
    const mp = pad4(m);
    const w = this.weightsOf(model);
    const xOff = align16(this.top);
    const outOff = align16(xOff + n * dp * 4);
    this.reserve(outOff + n * mp * 8);
    const rows = new Float32Array(this.memory.buffer, xOff, n * dp);
    if (dp === d) {
      rows.set(x.subarray(0, n * d));
    } else {
      for (let r = 0; r < n; r++) {
        rows.set(x.subarray(r * d, (r + 1) * d), r * dp);
        rows.fill(0, r * dp + d, (r + 1) * dp);
      }
    }
    this.dots(w, xOff, outOff, n, dp, mp);
    const sums = new Float64Array(this.memory.buffer, outOff, n * mp);
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < m; j++) out[r * m + j] = bias[j] + sums[r * mp + j];
    }
  }
}

/**
 * A per-thread instance made on first use by `make`, or null for good when making it throws (no WebAssembly, or no
 * SIMD: the module does not compile).
 */
export function lazyKernel<T>(make: () => T): () => T | null {
  let made: T | null | undefined;
  return () => {
    if (made === undefined) {
      try {
        made = make();
      } catch {
        made = null;
      }
    }
    return made;
  };
}

/** This thread's WebAssembly ridge product, made on first use; null where the host cannot run it. */
export const ridgeDotsKernel = lazyKernel(() => new RidgeDots());
