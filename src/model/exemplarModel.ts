/**
 * The exemplar classifier: backbone (image → feature f, D) + K-way head (W: K × D, b: K) + its class table.
 * The head lives on the JS side as plain Float32Arrays (the source of truth between training steps, saved as is);
 * prediction uploads it once to the engine and caches the tensors until the head changes or the model is disposed.
 * `inferenceOnly()` drops the JS copy of the head weights once they are on the engine (143 MB at K = 140,000):
 * such a model predicts, evaluates and saves (the head is read back from the engine), but does not train.
 */
import * as tf from '@tensorflow/tfjs';
import type { ClassTable } from '../classes/types';
import { ShapeError, ValueError } from '../errors';
import { Rng } from '../util/rng';
import { describe } from '../util/validate';
import { buildBackbone } from './backbone';
import { modelConfig, type ModelConfig, type ModelOptions } from './config';
import { centerSummary, type CenterSummary } from './expectedShape';
import { transpose } from './transpose';

/** A block of class centres, transposed (2N × cols), with their squared norms: what batchTargets multiplies with. */
export interface CenterChunk {
  start: number;
  cols: number;
  t: tf.Tensor2D;
  norms: tf.Tensor1D;
}

/**
 * Engine-side copies used by prediction. Products are arranged so that none needs a transposed operand (wasm runs
 * transposeA/B products 7-10× slower): the head is kept as Wᵀ (D × K). The expected shape is summed on the JS side
 * (expectedShape.ts), so prediction keeps no engine copy of the centres unless a posterior is too spread for that
 * (centersTensor); training uses transposed centre chunks.
 */
export interface Cached {
  WT: tf.Tensor2D;
  b: tf.Tensor1D;
}

/** Classes per centre chunk. */
const CHUNK = 16384;

export class ExemplarModel {
  /** Head bias, K. */
  readonly headB: Float32Array;
  private W: Float32Array | null;
  private cached: Cached | null = null;
  private chunks: CenterChunk[] | null = null;
  private summary: CenterSummary | null = null;
  private centersT: tf.Tensor2D | null = null;
  private disposed = false;

  constructor(
    readonly config: ModelConfig,
    readonly backbone: tf.LayersModel,
    readonly table: ClassTable,
    headW?: Float32Array,
    headB?: Float32Array,
  ) {
    const { K, featureDim: D } = config;
    this.W = headW ?? new Float32Array(K * D);
    this.headB = headB ?? new Float32Array(K);
    if (this.W.length !== K * D || this.headB.length !== K) {
      throw new ShapeError(
        `ExemplarModel: head expected ${K}×${D} weights and ${K} biases, got ${this.W.length} and ${this.headB.length}`,
      );
    }
  }

  /**
   * Head weights, K × D row-major (row k scores class k); edit in place, then call headChanged(). Throws ValueError
   * on an inference-only model (use headWeights() to read a copy back from the engine).
   */
  get headW(): Float32Array {
    if (!this.W) {
      throw new ValueError(
        'ExemplarModel: the head weights of an inference-only model live on the engine only (headWeights() reads a copy; load the model without { inference: true } to train)',
      );
    }
    return this.W;
  }

  /** True after inferenceOnly(): the JS copy of the head weights is gone. */
  get isInferenceOnly(): boolean {
    return this.W === null;
  }

  /** The head weights K × D: the JS array itself, or (inference-only) a copy read back from the engine. */
  headWeights(): Float32Array {
    if (this.W) return this.W;
    const { K, featureDim: D } = this;
    return transpose(this.tensors().WT.dataSync() as Float32Array, D, K);
  }

  /**
   * Uploads the head to the engine (if not yet) and drops the JS copy of its weights, keeping one copy of the
   * head instead of two (plus XNNPACK's packed one on wasm). Predictions are unchanged. Returns the model.
   * @example const m = createModel(table).inferenceOnly()
   */
  inferenceOnly(): this {
    this.tensors();
    this.W = null;
    return this;
  }

  /**
   * The centres K × 2N on the engine, uploaded on first use: prediction needs them only for a posterior too spread
   * for the JS sum of the expected shape (predict.ts, JS_MAX_CLASSES); kept until dispose.
   */
  centersTensor(): tf.Tensor2D {
    if (this.disposed) throw new ValueError('ExemplarModel: used after dispose()');
    if (!this.centersT) this.centersT = tf.tensor2d(this.table.centers, [this.K, 2 * this.config.nPoints]);
    return this.centersT;
  }

  /** Mean centre and radius around it (for the expected shape's error bound), computed once. */
  centerSummary(): CenterSummary {
    if (!this.summary) this.summary = centerSummary(this.table.centers, this.K, 2 * this.config.nPoints);
    return this.summary;
  }

  get K(): number {
    return this.config.K;
  }

  get featureDim(): number {
    return this.config.featureDim;
  }

  /** Call after changing headW/headB in place so prediction re-uploads them (only headB on an inference-only model). */
  headChanged(): void {
    if (!this.cached) return;
    this.cached.b.dispose();
    this.cached.b = tf.tensor1d(this.headB);
    if (this.W) {
      this.cached.WT.dispose();
      this.cached.WT = this.uploadWT();
    }
  }

  /** The engine-side head for prediction (created on first use, kept until dispose; head re-uploaded by headChanged). */
  tensors(): Cached {
    if (this.disposed) throw new ValueError('ExemplarModel: used after dispose()');
    if (!this.cached) this.cached = { WT: this.uploadWT(), b: tf.tensor1d(this.headB) };
    return this.cached;
  }

  /**
   * The class centres as transposed chunks with squared norms, for batchTargets (created on first use: training
   * only, so prediction does not hold a second copy of the centres).
   */
  centerChunks(): CenterChunk[] {
    if (this.disposed) throw new ValueError('ExemplarModel: used after dispose()');
    if (!this.chunks) {
      const { K } = this;
      const dim = 2 * this.config.nPoints;
      const c = this.table.centers;
      const chunks: CenterChunk[] = [];
      for (let start = 0; start < K; start += CHUNK) {
        const cols = Math.min(CHUNK, K - start);
        const block = c.subarray(start * dim, (start + cols) * dim);
        const norms = new Float32Array(cols);
        for (let k = 0; k < cols; k++) {
          let s = 0;
          for (let j = 0; j < dim; j++) s += block[k * dim + j] ** 2;
          norms[k] = s;
        }
        chunks.push({
          start,
          cols,
          t: tf.tensor2d(transpose(block, cols, dim), [dim, cols]),
          norms: tf.tensor1d(norms),
        });
      }
      this.chunks = chunks;
    }
    return this.chunks;
  }

  private uploadWT(): tf.Tensor2D {
    const { K, featureDim: D } = this;
    return tf.tensor2d(transpose(this.headW, K, D), [D, K]);
  }

  /** Frees the backbone's variables and the cached tensors. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
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
      tf.dispose(this.chunks.flatMap((ch) => [ch.t, ch.norms]));
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
