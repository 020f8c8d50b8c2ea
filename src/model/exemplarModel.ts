/**
 * The exemplar classifier: backbone (image → feature f, D) + K-way head (W: K × D, b: K) + its class table.
 * The head lives on the JS side as plain Float32Arrays (the source of truth between training steps, saved as is);
 * prediction uploads it once to the engine and caches the tensors until the head changes or the model is disposed.
 * `inferenceOnly()` drops the JS copy of the head weights once they are on the engine (143 MB at K = 140,000):
 * such a model predicts, evaluates and saves (the head is read back from the engine), but does not train.
 * `inferenceOnly({ head: 'int8' })` instead quantises the head to 8 bits in its own WebAssembly module (int8Head.ts:
 * 36 MB instead of 2 × 143 MB at K = 140,000, and a quarter of the bytes read per face), which also holds the class
 * centres that the table then views in place.
 */
import * as tf from '@tensorflow/tfjs';
import { type CenterIndex, centerIndex, centerIndexRelease } from '../classes/centerIndex';
import type { ClassTable } from '../classes/types';
import { ShapeError, ValueError } from '../errors';
import { Rng } from '../util/rng';
import { describe } from '../util/validate';
import { buildBackbone, compileInference, type InferenceFn } from './backbone';
import { modelConfig, type ModelConfig, type ModelOptions } from './config';
import { centerSummary, type CenterSummary } from './expectedShape';
import { Int8Head } from './int8Head';
import { medianSpread } from './modeShape';
import { transpose } from './transpose';

/**
 * Engine-side copies used by prediction. Products are arranged so that none needs a transposed operand (wasm runs
 * transposeA/B products 7-10× slower): the head is kept as Wᵀ (D × K). The expected shape is summed on the JS side
 * (expectedShape.ts), so prediction keeps no engine copy of the centres unless a posterior is too spread for that
 * (centersTensor); training uses the centres prepared for distance scans (centerChunks).
 */
export interface Cached {
  WT: tf.Tensor2D;
  b: tf.Tensor1D;
}

/** How an inference-only model keeps its head: float32 on the tfjs engine, or 8-bit in its own wasm module. */
export type HeadPrecision = 'float32' | 'int8';

/** Options of ExemplarModel.inferenceOnly. */
export interface InferenceOnlyOptions {
  /**
   * 'float32': the head stays exact, on the engine. 'int8': quantised per class (int8Head.ts), for large K: a
   * quarter of the memory and faster single-face prediction, each score off by at most
   * Prediction.scoreErrorBound.
   * @default 'float32'
   */
  head?: HeadPrecision;
  /**
   * 'int8' only: threads for the head's passes (Int8HeadOptions.threads: 2 adds a helper thread on the same memory).
   * @default 2 where there are two CPUs and Node's worker_threads
   */
  threads?: 1 | 2;
}

/**
 * A trained or trainable exemplar classifier: backbone, K-way head and class table (see the file header). Made by
 * `createModel` or `loadModel`; free it with `dispose()`.
 */
export class ExemplarModel {
  private readonly bias: Float32Array;
  private W: Float32Array | null;
  private q: Int8Head | null = null;
  private tbl: ClassTable;
  private cached: Cached | null = null;
  private chunks: CenterIndex | null = null;
  private summary: CenterSummary | null = null;
  private spread: number | null = null;
  private centersT: tf.Tensor2D | null = null;
  private compiled: InferenceFn | null = null;
  private disposed = false;

  constructor(
    readonly config: ModelConfig,
    readonly backbone: tf.LayersModel,
    table: ClassTable,
    headW?: Float32Array,
    headB?: Float32Array,
  ) {
    this.tbl = table;
    const { K, featureDim: D } = config;
    this.W = headW ?? new Float32Array(K * D);
    this.bias = headB ?? new Float32Array(K);
    if (this.W.length !== K * D || this.bias.length !== K) {
      throw new ShapeError(
        `ExemplarModel: head expected ${K}×${D} weights and ${K} biases, got ${this.W.length} and ${this.bias.length}`,
      );
    }
  }

  /** Head bias, K (the model's own array: read it; change it through setHead / updateHead). */
  get headB(): Float32Array {
    return this.bias;
  }

  /** The class table (for an 8-bit head its centres view the head's WebAssembly memory; same values). */
  get table(): ClassTable {
    return this.tbl;
  }

  /** True after inferenceOnly(): the JS copy of the head weights is gone. */
  get isInferenceOnly(): boolean {
    return this.W === null;
  }

  /** 'int8' after inferenceOnly({ head: 'int8' }), else 'float32'. */
  get headPrecision(): HeadPrecision {
    return this.q ? 'int8' : 'float32';
  }

  /**
   * The 8-bit head, when the model has one (prediction uses it instead of the engine).
   * @internal
   */
  int8Head(): Int8Head | null {
    if (this.disposed) throw new ValueError('ExemplarModel: used after dispose()');
    return this.q;
  }

  /**
   * The backbone's forward pass in inference mode (image batch → B × D features): compiled to plain tfjs ops on first
   * use (backbone.ts compileInference: fused conv + bias + ReLU, no per-call graph walk), or `execute` when the graph
   * holds a layer the compiler does not know. Weights are read through the layers' variables, so training and
   * setWeights stay visible.
   */
  inference(): InferenceFn {
    if (this.disposed) throw new ValueError('ExemplarModel: used after dispose()');
    const bb = this.backbone;
    this.compiled ??= compileInference(bb) ?? ((x) => bb.execute(x, bb.outputs[0].name) as tf.Tensor2D);
    return this.compiled;
  }

  /**
   * The head weights K × D: the model's own array (read it; change it through setHead / updateHead), or
   * (inference-only) a copy read back from the engine, or the dequantised 8-bit weights.
   */
  headWeights(): Float32Array {
    if (this.W) return this.W;
    if (this.q) return this.q.dequantized();
    const { K, featureDim: D } = this;
    return transpose(this.tensors().WT.dataSync() as Float32Array, D, K);
  }

  /**
   * Makes the model inference-only and returns it. 'float32' (default): uploads the head to the engine (if not yet)
   * and drops the JS copy of its weights, keeping one copy of the head instead of two (plus XNNPACK's packed one on
   * wasm); predictions are unchanged. 'int8': quantises the head into its own WebAssembly module (int8Head.ts) and
   * frees every float copy (JS and engine; a float head already on the engine is read back first); the table's
   * centres move there too. Throws ValueError for an unknown `head`, or 'float32' after 'int8' (the float weights
   * are gone).
   * @example const m = createModel(table).inferenceOnly({ head: 'int8' })
   */
  inferenceOnly(opts: InferenceOnlyOptions = {}): this {
    if (this.disposed) throw new ValueError('ExemplarModel: used after dispose()');
    const head = opts?.head ?? 'float32';
    if (head !== 'float32' && head !== 'int8') {
      throw new ValueError(
        `ExemplarModel.inferenceOnly: option 'head' expected 'float32' or 'int8', got ${describe(opts?.head)}`,
      );
    }
    if (head === 'float32') {
      if (this.q) {
        throw new ValueError(
          'ExemplarModel.inferenceOnly: the head is already 8-bit; reload the model to get a float32 head',
        );
      }
      this.tensors();
      this.W = null;
      return this;
    }
    if (this.q) return this;
    const { K, featureDim: D } = this;
    const dim = 2 * this.config.nPoints;
    this.q = new Int8Head(K, D, dim, this.headWeights(), this.bias, this.tbl.centers, {
      threads: opts.threads,
    });
    this.tbl = { ...this.tbl, centers: this.q.centers };
    this.W = null;
    if (this.cached) {
      tf.dispose([this.cached.WT, this.cached.b]);
      this.cached = null;
    }
    if (this.centersT) {
      this.centersT.dispose();
      this.centersT = null;
    }
    return this;
  }

  /**
   * The centres K × 2N on the engine, uploaded on first use: prediction needs them only for a posterior too spread
   * for the JS sum of the expected shape (predict.ts, JS_MAX_CLASSES); kept until dispose.
   * @internal
   */
  centersTensor(): tf.Tensor2D {
    if (this.disposed) throw new ValueError('ExemplarModel: used after dispose()');
    if (!this.centersT) this.centersT = tf.tensor2d(this.table.centers, [this.K, 2 * this.config.nPoints]);
    return this.centersT;
  }

  /**
   * Mean centre and radius around it (for the expected shape's error bound), computed once.
   * @internal
   */
  centerSummary(): CenterSummary {
    if (!this.summary) this.summary = centerSummary(this.table.centers, this.K, 2 * this.config.nPoints);
    return this.summary;
  }

  /** The median class spread sigma_k: the default bandwidth of the mode shape (predict's `mode` option); cached. */
  modeBandwidth(): number {
    this.spread ??= medianSpread(this.tbl.sigma);
    return this.spread;
  }

  get K(): number {
    return this.config.K;
  }

  get featureDim(): number {
    return this.config.featureDim;
  }

  /**
   * Replaces the head's weights (K × D, row k scores class k) and/or biases (K) by copies of `head.W` / `head.b`, and
   * refreshes what prediction uses. Throws ShapeError on a wrong length, ValueError on a non-finite value, and
   * ValueError for weights on an inference-only model (its head lives on the engine or in the 8-bit module; biases
   * may still change).
   * @example model.setHead({ W: weights, b: biases })
   */
  setHead(head: { W?: Float32Array; b?: Float32Array }): this {
    const fn = 'ExemplarModel.setHead';
    if (this.disposed) throw new ValueError('ExemplarModel: used after dispose()');
    const { K, featureDim: D } = this;
    const check = (name: string, a: unknown, n: number): Float32Array | undefined => {
      if (a === undefined) return undefined;
      if (!(a instanceof Float32Array) || a.length !== n) {
        throw new ShapeError(
          `${fn}: argument 'head.${name}' expected a Float32Array of ${n}, got ${describe(a)}`,
        );
      }
      const bad = a.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new ValueError(`${fn}: argument 'head.${name}' holds ${a[bad]} at ${bad}`);
      return a;
    };
    const W = check('W', head?.W, K * D);
    const b = check('b', head?.b, K);
    if (W && !this.W) throw this.inferenceOnlyError(fn);
    if (W) this.W?.set(W);
    if (b) this.bias.set(b);
    this.headUpdated();
    return this;
  }

  /**
   * Edits the head in place: `edit` gets the model's own weights (K × D) and biases (K) — no copy, for the trainer's
   * row updates at large K — and what prediction uses is refreshed afterwards (the engine copy is re-uploaded on next
   * use). Throws ValueError on an inference-only model.
   * @example model.updateHead((W, b) => b.fill(0))
   */
  updateHead(edit: (W: Float32Array, b: Float32Array) => void): void {
    if (this.disposed) throw new ValueError('ExemplarModel: used after dispose()');
    if (!this.W) throw this.inferenceOnlyError('ExemplarModel.updateHead');
    try {
      edit(this.W, this.bias);
    } finally {
      this.headUpdated();
    }
  }

  private inferenceOnlyError(fn: string): ValueError {
    return new ValueError(
      `${fn}: the head weights of an inference-only model live on the engine only (headWeights() reads a copy; load the model without { inference: true } to train)`,
    );
  }

  /** After a head change: the 8-bit head gets the new biases; engine copies are dropped (re-uploaded on next use). */
  private headUpdated(): void {
    this.q?.setBias(this.bias);
    if (!this.cached) return;
    if (this.W) {
      tf.dispose([this.cached.WT, this.cached.b]);
      this.cached = null;
    } else {
      // inference-only float head: the engine copy of W is the only one; only the biases can have changed
      this.cached.b.dispose();
      this.cached.b = tf.tensor1d(this.bias);
    }
  }

  /**
   * The engine-side head for prediction (created on first use, kept until dispose or a head change: setHead /
   * updateHead).
   * Throws ValueError on a model with an 8-bit head (it has no engine-side head).
   * @internal
   */
  tensors(): Cached {
    if (this.disposed) throw new ValueError('ExemplarModel: used after dispose()');
    if (this.q)
      throw new ValueError('ExemplarModel: an 8-bit head has no engine-side tensors (use int8Head())');
    if (!this.cached) this.cached = { WT: this.uploadWT(), b: tf.tensor1d(this.bias) };
    return this.cached;
  }

  /**
   * The class centres prepared for the per-batch distance scans of batchTargets (classes/centerIndex.ts: centred,
   * blocked, on the engine), created on first use (training only, so prediction does not hold a second copy of the
   * centres) and kept until dispose.
   * @internal
   */
  centerChunks(): CenterIndex {
    if (this.disposed) throw new ValueError('ExemplarModel: used after dispose()');
    this.chunks ??= centerIndex(this.table.centers, this.K, this.config.nPoints);
    return this.chunks;
  }

  private uploadWT(): tf.Tensor2D {
    const { K, featureDim: D } = this;
    return tf.tensor2d(transpose(this.W as Float32Array, K, D), [D, K]);
  }

  /** Frees the backbone's variables and the cached tensors (an 8-bit head's memory goes with its last reference). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.q?.dispose(); // stops its helper thread
    this.q = null;
    this.compiled = null;
    if (this.cached) {
      const c = this.cached;
      tf.dispose([c.WT, c.b]);
      this.cached = null;
    }
    if (this.centersT) {
      this.centersT.dispose();
      this.centersT = null;
    }
    if (this.chunks) {
      centerIndexRelease(this.chunks);
      this.chunks = null;
    }
    this.backbone.dispose();
  }
}

/** Checks that a class table is usable by a model (lengths consistent); throws ShapeError naming the field. */
export function tableValidate(fn: string, name: string, table: unknown): asserts table is ClassTable {
  const t = table as Partial<ClassTable> | null;
  if (typeof t !== 'object' || t === null || t.kind !== 'exemplar-landmarks/class-table') {
    throw new ValueError(`${fn}: argument '${name}' expected a ClassTable, got ${describe(table)}`);
  }
  const K = t.K as number;
  const N = t.nPoints as number;
  if (!Number.isInteger(K) || K < 1 || !Number.isInteger(N) || N < 1) {
    throw new ShapeError(
      `${fn}: argument '${name}' expected positive integer K and nPoints, got K=${K}, nPoints=${N}`,
    );
  }
  const check = (field: string, arr: { length: number } | undefined, want: number) => {
    if (!arr || arr.length !== want) {
      throw new ShapeError(
        `${fn}: argument '${name}.${field}' expected length ${want}, got ${describe(arr)}`,
      );
    }
  };
  check('centers', t.centers, K * 2 * N);
  check('sigma', t.sigma, K);
  check('memberOffsets', t.memberOffsets, K + 1);
}

/**
 * Creates an untrained model for a class table: backbone initialised from `opts.seed`, head weights ~ N(0, 0.01²)
 * and biases −log K (so the initial multi-label scores match a prior of about one positive class).
 * @example const model = createModel(table, { backbone: 'small', featureDim: 256, seed: 1 })
 */
export function createModel(table: ClassTable, opts: ModelOptions = {}): ExemplarModel {
  const fn = 'createModel';
  tableValidate(fn, 'table', table);
  const config = modelConfig(fn, opts, table);
  const backbone = buildBackbone(config);
  const { K, featureDim: D } = config;
  const rng = new Rng(config.seed + 1);
  const W = new Float32Array(K * D);
  for (let i = 0; i < W.length; i++) W[i] = 0.01 * rng.normal();
  const b = new Float32Array(K).fill(-Math.log(K));
  return new ExemplarModel(config, backbone, table, W, b);
}
