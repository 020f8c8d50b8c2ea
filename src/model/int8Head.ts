/**
 * The K-way head of an inference-only model in 8-bit planes (ExemplarModel.inferenceOnly({ head: 'int8' })):
 * weights quantised per class row, w ≈ s_k · (q + r / 254) with q, r ∈ [−127, 127] and s_k = max_d |w_kd| / 127;
 * the feature per face in 16 bits; products summed exactly in 32-bit integers, then scaled back and biased in float32.
 * Two passes: the coarse plane q scores every class (a quarter of a float head's bytes), then the residual plane r
 * refines the classes within REFINE_DELTA (e^−20) of the face's top score, so every probability that matters is
 * computed with 16-bit weights in effect (error ≤ s_k / 508 · ‖f‖₁ + rounding of f, reported per face as
 * `scoreErrorBound`), and the rest (each below 2e-9 of the top) with 8-bit ones. It runs in its own small
 * WebAssembly module (wasm/int8Head.wat, 128-bit SIMD), not on the tfjs engine, and also holds the class centres
 * (the model's table views them in place) so that the expected shape is summed there too: through an index list per
 * face (peaked posteriors: few classes), in order over every class (one spread face), or over every class for several
 * faces at once (spread posteriors in a batch: one pass over the centres instead of one per face). When the
 * candidates of a batch are many, the residual pass runs over the whole plane instead of through lists. The top k is
 * found there too (a SIMD scan). A helper thread (int8Threads.ts) on the same shared memory takes half of the
 * classes of each large pass.
 *
 * Why: at K = 140,000 and D = 256 a float32 head is 143 MB, and the wasm backend keeps a second, packed copy for
 * XNNPACK; a single face's product then reads 143 MB and is bound by memory bandwidth. The two planes are 72 MB, and
 * a face reads the 36 MB coarse plane plus the refined rows. bench/model.bench.ts and the tests measure the effect on
 * the posterior.
 *
 * One instance owns one WebAssembly.Memory (shared where the host allows), laid out once and never grown:
 *   q K × Dp int8 | r K × Dp int8 | scale K | bias K | centres K × dim f32 | x MAX_BATCH × Dp int16 | xs |
 *   scores/probabilities MAX_BATCH × Kp f32 | class indices K i32 | sums (MAX_BATCH + 1) × dim f64, twice (this thread,
 *   the helper) | faces MAX_BATCH i32 | the helper's control block | top-k scratch
 */
import { ShapeError, ValueError } from '../errors';
import { CTRL_WORDS, HelperThread, Job } from './int8Threads';
import { WASM_BASE64 } from './wasm/int8HeadWasm';

/** Faces per call of the kernels (callers split larger batches). */
export const INT8_MAX_BATCH = 32;

/**
 * Classes whose 8-bit score is within this of the face's top score get the second, residual pass (16-bit weights in
 * effect); the others hold probabilities below e^−20 ≈ 2e-9 of the top class's each and keep the 8-bit score.
 */
export const REFINE_DELTA = 20;

/**
 * When the candidates of a batch exceed this fraction of B · K, the residual pass runs over every class of every face
 * in one pass over the residual plane (as the coarse pass does) instead of through each face's candidate list: at
 * K = 140,000 and D = 256 a listed row costs 70–100 ns (a scattered 256-byte read from memory, 4 rows in flight), a
 * class in the full pass ~16 ns per face in a batch of 32 and ~20 ns for one face (bench/out-of-tree timings in
 * bench/RESULTS.md).
 */
export const DENSE_REFINE_FRACTION = 0.25;

/** The part of the WebAssembly API used here (the project's TypeScript lib has no DOM / WebAssembly types). */
interface WasmMemory {
  readonly buffer: ArrayBufferLike;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (desc: { initial: number; maximum: number; shared?: boolean }) => WasmMemory;
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface Exports {
  scores(
    w: number,
    scale: number,
    bias: number,
    x: number,
    xs: number,
    out: number,
    K: number,
    Dp: number,
    B: number,
    Kp: number,
    gain: number,
    keep: number,
  ): void;
  softmax(p: number, Kp: number, max: number): number;
  rowMax(row: number, K: number): number;
  topk(row: number, K: number, k: number, vals: number, idxs: number): void;
  countAbove(row: number, K: number, thr: number): number;
  candidates(row: number, K: number, thr: number, idx: number): number;
  expectedList(p: number, idx: number, n: number, c: number, dim: number, acc64: number, all: number): void;
  expectedDense(
    p: number,
    Kp: number,
    faces: number,
    nf: number,
    K: number,
    c: number,
    dim: number,
    acc64: number,
    spare: number,
  ): void;
  refine(
    r: number,
    scale: number,
    xrow: number,
    xs: number,
    row: number,
    idx: number,
    n: number,
    Dp: number,
  ): number;
}

const compiled: { shared?: object; unshared?: object } = {};

/** The memory import of the module as compiled: "env" "memory", kind memory, limits flags 3 (maximum, shared). */
const SHARED_IMPORT = [3, 0x65, 0x6e, 0x76, 6, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 2, 3];

/**
 * The module's bytes; with `shared` false, with the memory import's limits flags turned from 3 (maximum, shared) to
 * 1 (maximum), for hosts without shared WebAssembly memory (a test checks this equals wabt's build of the unshared
 * text).
 */
export function int8HeadBytes(shared: boolean): Uint8Array {
  const bytes = new Uint8Array(Buffer.from(WASM_BASE64, 'base64'));
  if (shared) return bytes;
  const n = SHARED_IMPORT.length;
  for (let i = 0; i + n <= bytes.length; i++) {
    if (SHARED_IMPORT.every((v, j) => bytes[i + j] === v)) {
      bytes[i + n - 1] = 1;
      return bytes;
    }
  }
  throw new ValueError(
    'int8HeadBytes: the compiled module has no shared memory import to turn into a plain one',
  );
}

/** The compiled module for shared or plain memory (compiled once per process, on first use; instances are cheap). */
function wasmModule(shared: boolean): object {
  if (shared) compiled.shared ??= new WA.Module(int8HeadBytes(true));
  else compiled.unshared ??= new WA.Module(int8HeadBytes(false));
  return (shared ? compiled.shared : compiled.unshared) as object;
}

/** Options of the Int8Head constructor. */
export interface Int8HeadOptions {
  /**
   * Threads for the passes over the head and the centres: 2 starts a helper thread (a Node worker on the same
   * shared WebAssembly memory, int8Threads.ts) that takes part of the classes; 1 runs on the calling thread only.
   * @default 2 where Node's worker_threads and shared WebAssembly memory are available and the machine has ≥ 2 CPUs
   */
  threads?: 1 | 2;
}

/** Most classes Int8Head.topK returns (predict falls back to a JS scan above). */
export const TOPK_MAX = 1024;

/** Classes below which a pass runs on one thread (a helper job costs ~20–50 µs to hand over). */
export const PARALLEL_MIN_CLASSES = 16384;

/** The default thread count: 2 when there are two CPUs to use. */
function defaultThreads(): 1 | 2 {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const os = require('node:os') as { availableParallelism?: () => number; cpus(): unknown[] };
    return (os.availableParallelism?.() ?? os.cpus().length) >= 2 ? 2 : 1;
  } catch {
    return 1;
  }
}

/** Stops the helper of a head that was garbage collected without dispose(). */
const helpers = new FinalizationRegistry<HelperThread>((h) => h.stop());

const PAGE = 65536;
const align16 = (n: number) => Math.ceil(n / 16) * 16;

/** Largest |x16| such that Dp products of 127 · x16 cannot overflow a signed 32-bit sum. */
export function int16FeatureLimit(Dp: number): number {
  return Math.min(32767, Math.floor(0x7fffffff / (127 * Dp)));
}

/** The 8-bit head of an inference-only model, in its own WebAssembly module (see the file header). */
export class Int8Head {
  /** Feature dimension rounded up to 16 (rows are zero padded). */
  readonly Dp: number;
  /** K rounded up to 4 (score rows are padded with −inf). */
  readonly Kp: number;
  /** The class centres K × dim, a view into the module's memory (the model's table uses it in place). */
  readonly centers: Float32Array;
  /** Per-class scale s_k (K). */
  readonly scale: Float32Array;
  /** Bytes of WebAssembly memory this head holds. */
  readonly bytes: number;
  private readonly ex: Exports;
  private readonly w8: Int8Array;
  private readonly r8: Int8Array;
  private readonly bias: Float32Array;
  private readonly x16: Int16Array;
  private readonly xs: Float32Array;
  private readonly probs: Float32Array;
  private readonly idx: Int32Array;
  private readonly acc64: Float64Array;
  /** The helper thread's sums (same layout as acc64). */
  private readonly acc64b: Float64Array;
  private readonly faces: Int32Array;
  private readonly module: object;
  private readonly memory: WasmMemory;
  private readonly shared: boolean;
  /** Threads asked for (1 or 2). */
  readonly threads: 1 | 2;
  private helper: HelperThread | null = null;
  /** No helper: dispose() was called, or the host could not start one. */
  private single = false;
  private readonly off: Record<
    | 'w'
    | 'r'
    | 'scale'
    | 'bias'
    | 'c'
    | 'x'
    | 'xs'
    | 'out'
    | 'idx'
    | 'acc64'
    | 'acc64b'
    | 'faces'
    | 'ctrl'
    | 'top',
    number
  >;
  /** Largest |x16|. */
  private readonly xMax: number;
  private all: Int32Array | null = null;
  /** max_k s_k (for the error bound). */
  private maxScale = 0;

  /**
   * Quantises a float head. `W` is K × D row-major (row k scores class k), `b` K, `centers` K × dim.
   * Throws ShapeError on mismatched lengths and ValueError on non-finite weights.
   */
  constructor(
    readonly K: number,
    readonly D: number,
    readonly dim: number,
    W: Float32Array,
    b: Float32Array,
    centers: Float32Array,
    opts: Int8HeadOptions = {},
  ) {
    const fn = 'Int8Head';
    if (opts.threads !== undefined && opts.threads !== 1 && opts.threads !== 2) {
      throw new ValueError(`${fn}: option 'threads' expected 1 or 2, got ${String(opts.threads)}`);
    }
    this.threads = opts.threads ?? defaultThreads();
    if (W.length !== K * D || b.length !== K || centers.length !== K * dim) {
      throw new ShapeError(
        `${fn}: expected ${K}×${D} weights, ${K} biases and ${K}×${dim} centres, got ${W.length}, ${b.length} and ${centers.length} values`,
      );
    }
    const Dp = align16(D);
    const Kp = Math.ceil(K / 4) * 4;
    this.Dp = Dp;
    this.Kp = Kp;
    this.xMax = int16FeatureLimit(Dp);
    const MB = INT8_MAX_BATCH;
    let at = 0;
    const take = (bytes: number) => {
      const o = at;
      at = align16(at + bytes);
      return o;
    };
    this.off = {
      w: take(K * Dp),
      r: take(K * Dp),
      scale: take(K * 4),
      bias: take(K * 4),
      c: take(K * dim * 4),
      x: take(MB * Dp * 2),
      xs: take(MB * 4),
      out: take(MB * Kp * 4),
      idx: take(K * 4),
      acc64: take((MB + 1) * dim * 8), // a sum per face, and one spare (expectedDense's padding)
      acc64b: take((MB + 1) * dim * 8), // the same for the helper thread
      faces: take(MB * 4),
      ctrl: take(CTRL_WORDS * 4),
      top: take(TOPK_MAX * 8), // topK's values and indices
    };
    const pages = Math.ceil(at / PAGE);
    if (pages > 65536) {
      throw new ValueError(
        `${fn}: K = ${K} classes of D = ${D} features need ${(at / 2 ** 30).toFixed(1)} GiB, beyond WebAssembly's 4 GiB memory; use the float32 head`,
      );
    }
    // shared memory when the host has it (Node does), so that a helper thread can work on it; else plain
    let memory: WasmMemory;
    let shared = true;
    try {
      memory = new WA.Memory({ initial: pages, maximum: pages, shared: true });
    } catch {
      shared = false;
      memory = new WA.Memory({ initial: pages, maximum: pages });
    }
    this.memory = memory;
    this.shared = shared;
    this.module = wasmModule(shared);
    const instance = new WA.Instance(this.module, { env: { memory } });
    this.ex = instance.exports as unknown as Exports;
    this.bytes = memory.buffer.byteLength;
    const buf = memory.buffer;
    const o = this.off;
    this.w8 = new Int8Array(buf, o.w, K * Dp);
    this.r8 = new Int8Array(buf, o.r, K * Dp);
    this.scale = new Float32Array(buf, o.scale, K);
    this.bias = new Float32Array(buf, o.bias, K);
    this.centers = new Float32Array(buf, o.c, K * dim);
    this.x16 = new Int16Array(buf, o.x, MB * Dp);
    this.xs = new Float32Array(buf, o.xs, MB);
    this.probs = new Float32Array(buf, o.out, MB * Kp);
    this.idx = new Int32Array(buf, o.idx, K);
    this.acc64 = new Float64Array(buf, o.acc64, (MB + 1) * dim);
    this.acc64b = new Float64Array(buf, o.acc64b, (MB + 1) * dim);
    this.faces = new Int32Array(buf, o.faces, MB);
    // quantise the rows
    for (let k = 0; k < K; k++) {
      const r = k * D;
      let m = 0;
      for (let d = 0; d < D; d++) {
        const a = Math.abs(W[r + d]);
        if (a > m) m = a;
        else if (!(a <= m)) m = NaN;
      }
      if (!Number.isFinite(m)) {
        throw new ValueError(`${fn}: head weights of class ${k} are not finite (NaN or ±inf)`);
      }
      const s = m / 127;
      this.scale[k] = s;
      if (s > this.maxScale) this.maxScale = s;
      if (s === 0) continue;
      const inv = 1 / s;
      const q = k * Dp;
      for (let d = 0; d < D; d++) {
        const v = W[r + d] * inv; // in [−127, 127]
        const q1 = Math.round(v);
        this.w8[q + d] = q1;
        this.r8[q + d] = Math.round((v - q1) * 254); // residual in [−0.5, 0.5] → [−127, 127]
      }
    }
    this.bias.set(b);
    this.centers.set(centers);
  }

  /** 0 … K−1 (built on first use): the class list when every class has to be summed. */
  allClasses(): Int32Array {
    if (!this.all) {
      this.all = new Int32Array(this.K);
      for (let k = 0; k < this.K; k++) this.all[k] = k;
    }
    return this.all;
  }

  /** Replaces the biases (K). */
  setBias(b: Float32Array): void {
    if (b.length !== this.K)
      throw new ShapeError(`Int8Head.setBias: expected ${this.K} biases, got ${b.length}`);
    this.bias.set(b);
  }

  /**
   * The dequantised weights K × D, s_k · (q + r / 254): what the scores of the classes near the top are computed
   * with (`coarse`: s_k · q, what the first pass uses for the rest).
   */
  dequantized(coarse = false): Float32Array {
    const { K, D, Dp } = this;
    const W = new Float32Array(K * D);
    for (let k = 0; k < K; k++) {
      const s = this.scale[k];
      for (let d = 0; d < D; d++) {
        const i = k * Dp + d;
        W[k * D + d] = coarse ? s * this.w8[i] : s * (this.w8[i] + this.r8[i] / 254);
      }
    }
    return W;
  }

  /**
   * Posteriors (softmax of the scores) of B ≤ INT8_MAX_BATCH faces from their features (B × D, finite: checked by
   * the caller). Two passes: 8-bit scores for every class, then the residual pass for the classes within
   * REFINE_DELTA of each face's top score (the candidates). The residual pass goes through each face's candidate list,
   * or, when the candidates of the batch are more than DENSE_REFINE_FRACTION of B · K (spread posteriors), over every
   * class of every face in one pass over the residual plane (`refine`: 'auto', or force 'list' / 'dense'); every
   * class is then a candidate. Returns a view B × Kp (face b at b · Kp; lanes ≥ K are 0), valid until the next call;
   * per face the bound on the error of every refined score, how many classes were refined, and which (the candidates,
   * or allClasses() after a dense pass: every other class is below e^−REFINE_DELTA of the top).
   */
  posteriors(
    features: Float32Array,
    B: number,
    refine: 'auto' | 'list' | 'dense' = 'auto',
  ): { probs: Float32Array; scoreErrorBound: Float64Array; refined: Int32Array; candidates: Int32Array[] } {
    const { K, D, Dp, Kp, off } = this;
    if (!Number.isInteger(B) || B < 1 || B > INT8_MAX_BATCH || features.length < B * D) {
      throw new ShapeError(
        `Int8Head.posteriors: expected 1…${INT8_MAX_BATCH} faces of ${D} features, got B=${B} and ${features.length} values`,
      );
    }
    if (refine !== 'auto' && refine !== 'list' && refine !== 'dense') {
      throw new ValueError(
        `Int8Head.posteriors: refine expected 'auto', 'list' or 'dense', got ${String(refine)}`,
      );
    }
    const bound = new Float64Array(B);
    const refined = new Int32Array(B);
    const candidates: Int32Array[] = [];
    const maxS = this.maxScale;
    this.x16.fill(0, 0, B * Dp);
    for (let b = 0; b < B; b++) {
      let m = 0;
      let l1 = 0;
      for (let d = 0; d < D; d++) {
        const a = Math.abs(features[b * D + d]);
        l1 += a;
        if (a > m) m = a;
      }
      const xs = m / this.xMax;
      this.xs[b] = xs;
      if (xs > 0) {
        const inv = 1 / xs;
        for (let d = 0; d < D; d++) this.x16[b * Dp + d] = Math.round(features[b * D + d] * inv);
      }
      // |s (q + r/254) · x̂ − w · f| ≤ Σ |s (q + r/254) − w| |f| + Σ |s (q + r/254)| |x̂ − f|
      //                              ≤ (s/508) ‖f‖₁ + 127.5 s · D · xs / 2, s ≤ max_k s_k
      bound[b] = (maxS / 508) * l1 + 127.5 * maxS * D * (xs / 2);
    }
    for (let b = 0; b < B; b++) this.probs.fill(-Infinity, b * Kp + K, (b + 1) * Kp); // the padding lanes
    this.scoresPass(off.w, B, 1, 0);
    const row = (b: number) => off.out + b * Kp * 4;
    const thr = new Float32Array(B);
    let total = 0;
    for (let b = 0; b < B; b++) {
      thr[b] = this.ex.rowMax(row(b), K) - REFINE_DELTA;
      if (refine === 'auto') total += this.ex.countAbove(row(b), K, thr[b]);
    }
    const dense = refine === 'dense' || (refine === 'auto' && total > DENSE_REFINE_FRACTION * B * K);
    if (dense) this.scoresPass(off.r, B, 1 / 254, 1);
    for (let b = 0; b < B; b++) {
      let max: number;
      if (dense) {
        refined[b] = K;
        candidates.push(this.allClasses());
        max = this.ex.rowMax(row(b), K);
      } else {
        const n = this.ex.candidates(row(b), K, thr[b], off.idx);
        refined[b] = n;
        candidates.push(this.idx.slice(0, n));
        max = this.refinePass(b, row(b), n);
      }
      const sum = this.ex.softmax(row(b), Kp, max);
      if (!(sum >= 1 && sum < Infinity)) {
        throw new ValueError(
          `Int8Head.posteriors: the scores of face ${b} are not finite (softmax normaliser ${sum}); the model's head or bias holds NaN or ±inf`,
        );
      }
    }
    return { probs: this.probs.subarray(0, B * Kp), scoreErrorBound: bound, refined, candidates };
  }

  /**
   * Σ over the classes in `kept` of p_k mu_k for face b of the last `posteriors` call (dim values into a fresh
   * Float64Array), in the module: the fast path for spread posteriors (about 1 operation per multiply-add).
   */
  expectedSumOver(b: number, kept: Int32Array): Float64Array {
    const { off } = this;
    if (!Number.isInteger(b) || b < 0 || b >= INT8_MAX_BATCH || kept.length > this.K) {
      throw new ShapeError(`Int8Head.expectedSumOver: face ${b} or ${kept.length} classes out of range`);
    }
    this.idx.set(kept);
    return this.listPass(off.out + b * this.Kp * 4, kept.length, 0);
  }

  /**
   * Σ over every class of p_k mu_k for face b of the last `posteriors` call (dim values into a fresh Float64Array):
   * exact, reading the centres in order (for one face whose sum needs most classes, faster than a list: a scattered
   * row costs ~2.5× a streamed one).
   */
  expectedSumAll(b: number): Float64Array {
    const { off } = this;
    if (!Number.isInteger(b) || b < 0 || b >= INT8_MAX_BATCH) {
      throw new ShapeError(`Int8Head.expectedSumAll: expected a face in 0…${INT8_MAX_BATCH - 1}, got ${b}`);
    }
    return this.listPass(off.out + b * this.Kp * 4, this.K, 1);
  }

  /**
   * Σ over every class of p_k mu_k for each listed face of the last `posteriors` call (faces.length × dim values, face
   * by face, into a fresh Float64Array): exact, and one pass over the centres for all of them, so it is the fast path
   * when several faces of a batch have spread posteriors (expectedSumOver reads the centres once per face).
   */
  expectedSumDense(faces: ArrayLike<number>): Float64Array {
    const { off, dim, K, Kp } = this;
    const nf = faces.length;
    const seen = new Set<number>();
    for (let i = 0; i < nf; i++) {
      const b = faces[i];
      if (!Number.isInteger(b) || b < 0 || b >= INT8_MAX_BATCH || seen.has(b)) {
        throw new ShapeError(
          `Int8Head.expectedSumDense: expected distinct faces in 0…${INT8_MAX_BATCH - 1}, got ${Array.from(faces).join(', ')}`,
        );
      }
      seen.add(b);
    }
    this.faces.set(faces);
    const spare = (base: number) => base + INT8_MAX_BATCH * dim * 8;
    const h = nf > 0 ? this.helperFor(K) : null;
    // this thread: classes [0, k0) into acc64; the helper: [k0, K) into acc64b (k0 a multiple of the 128-class block)
    const k0 = h ? Math.floor(K / 256) * 128 : K;
    if (h) {
      h.post(Job.ExpectedDense, [
        off.out + 4 * k0,
        Kp,
        off.faces,
        nf,
        K - k0,
        off.c + 4 * k0 * dim,
        dim,
        off.acc64b,
        spare(off.acc64b),
      ]);
    }
    try {
      this.ex.expectedDense(off.out, Kp, off.faces, nf, k0, off.c, dim, off.acc64, spare(off.acc64));
    } finally {
      h?.join();
    }
    const out = new Float64Array(nf * dim);
    for (let i = 0; i < nf; i++) {
      const o = faces[i] * dim;
      for (let j = 0; j < dim; j++) out[i * dim + j] = this.acc64[o + j] + (h ? this.acc64b[o + j] : 0);
    }
    return out;
  }

  /**
   * The k most probable classes of face b of the last `posteriors` call, most probable first (ties: lower index
   * first), k ≤ min(K, TOPK_MAX): a SIMD scan of the face's row that compares 4 classes at a time with the k-th value so
   * far (~0.05 ms at K = 140,000, against ~0.4–1 ms for a scalar scan).
   */
  topK(b: number, k: number): Int32Array {
    const { off, K } = this;
    if (
      !Number.isInteger(b) ||
      b < 0 ||
      b >= INT8_MAX_BATCH ||
      !Number.isInteger(k) ||
      k < 1 ||
      k > Math.min(K, TOPK_MAX)
    ) {
      throw new ShapeError(
        `Int8Head.topK: expected a face in 0…${INT8_MAX_BATCH - 1} and 1 ≤ k ≤ ${Math.min(K, TOPK_MAX)}, got face ${b} and k = ${k}`,
      );
    }
    this.ex.topk(off.out + b * this.Kp * 4, K, k, off.top, off.top + TOPK_MAX * 4);
    return new Int32Array(this.memory.buffer, off.top + TOPK_MAX * 4, k).slice();
  }

  /**
   * Stops the helper thread (idempotent). The head keeps working, on the calling thread only. ExemplarModel.dispose()
   * calls it; a head dropped without it has its helper stopped when it is garbage collected.
   */
  dispose(): void {
    this.single = true;
    if (this.helper) {
      helpers.unregister(this);
      this.helper.stop();
      this.helper = null;
    }
  }

  /** Whether a helper thread is running. */
  get helperRunning(): boolean {
    return this.helper !== null;
  }

  /** The helper for a pass over `classes` classes: started on first need; null for one thread or a small pass. */
  private helperFor(classes: number): HelperThread | null {
    if (this.single || this.threads < 2 || !this.shared || classes < PARALLEL_MIN_CLASSES) return null;
    if (!this.helper) {
      this.helper = HelperThread.start(this.module, this.memory, this.off.ctrl);
      if (!this.helper) {
        this.single = true;
        return null;
      }
      helpers.register(this, this.helper, this);
    }
    return this.helper;
  }

  /** `scores` over every class with the given plane: rows [0, k0) here, [k0, K) on the helper. */
  private scoresPass(plane: number, B: number, gain: number, keep: number): void {
    const { K, Dp, Kp, off } = this;
    const h = this.helperFor(K);
    const k0 = h ? Math.floor(K / 8) * 4 : K;
    if (h) {
      const at = (base: number) => base + 4 * k0;
      h.post(
        Job.Scores,
        [
          plane + k0 * Dp,
          at(off.scale),
          at(off.bias),
          off.x,
          off.xs,
          at(off.out),
          K - k0,
          Dp,
          B,
          Kp,
          gain,
          keep,
        ],
        [10],
      );
    }
    try {
      this.ex.scores(plane, off.scale, off.bias, off.x, off.xs, off.out, k0, Dp, B, Kp, gain, keep);
    } finally {
      h?.join();
    }
  }

  /** `refine` of face b's n listed candidates (in idx): the first half here, the second on the helper. */
  private refinePass(b: number, row: number, n: number): number {
    const { Dp, off } = this;
    const xrow = off.x + b * Dp * 2;
    const h = this.helperFor(n);
    const n0 = h ? Math.floor(n / 2) : n;
    if (h) h.post(Job.Refine, [off.r, off.scale, xrow, this.xs[b], row, off.idx + 4 * n0, n - n0, Dp], [3]);
    let m: number;
    try {
      m = this.ex.refine(off.r, off.scale, xrow, this.xs[b], row, off.idx, n0, Dp);
    } finally {
      if (h) m = Math.max(m!, h.join());
    }
    return m!;
  }

  /**
   * `expectedList` of one face (p its probability row): n classes of the list in idx, or (all = 1) classes 0 … n − 1;
   * the first part here into acc64, the rest on the helper into acc64b (split at a multiple of the 64-class block).
   */
  private listPass(p: number, n: number, all: 0 | 1): Float64Array {
    const { off, dim } = this;
    const h = this.helperFor(n);
    const n0 = h ? Math.floor(n / 128) * 64 : n;
    if (h) {
      const c = all ? off.c + 4 * n0 * dim : off.c;
      h.post(Job.ExpectedList, [all ? p + 4 * n0 : p, off.idx + 4 * n0, n - n0, c, dim, off.acc64b, all]);
    }
    try {
      this.ex.expectedList(p, off.idx, n0, off.c, dim, off.acc64, all);
    } finally {
      h?.join();
    }
    const out = this.acc64.slice(0, dim);
    if (h) for (let j = 0; j < dim; j++) out[j] += this.acc64b[j];
    return out;
  }
}
