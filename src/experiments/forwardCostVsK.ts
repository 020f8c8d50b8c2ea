/**
 * The paper's Fig. 2: test-time cost of the classifier against K. For each K a model with a K-way head over a
 * stand-in class table (random centres: the cost does not depend on their values) predicts a batch of random
 * inputs (posterior, top-k, MAP and expected shapes); reported per face, next to the backbone alone, with the
 * engine memory the model keeps after predicting (head Wᵀ, bias, and the centres when it uploads them; for the 8-bit
 * head its WebAssembly memory, centres included) and the process's resident memory.
 */
import * as tf from '@tensorflow/tfjs';
import type { ClassTable } from '../classes/types';
import { ValueError } from '../errors';
import type { ModelOptions } from '../model/config';
import { createModel, type HeadPrecision } from '../model/exemplarModel';
import { features, predictInputs } from '../model/predict';
import type { Box } from '../types';
import { Rng } from '../util/rng';
import { assertInteger, describe } from '../util/validate';

/** One K's cost. */
export interface ForwardCostRow {
  K: number;
  /** Full prediction (backbone, head, softmax, posterior · centres, top-k), ms per face (median over repeats). */
  msPerFace: number;
  /** The backbone alone, ms per face (median over repeats). */
  backboneMsPerFace: number;
  /** Engine memory the model holds after predicting (head Wᵀ and bias, and the centres when prediction uploaded them), MB. */
  headMB: number;
  /** Resident memory of the process after the run, MB. */
  rssMB: number;
}

/** Options of `forwardCostVsK`. */
export interface ForwardCostOptions {
  /** Class counts. @default [10, 100, 1000, 10000, 100000] */
  Ks?: number[];
  /** Faces per forward pass. @default 32 */
  batch?: number;
  /** Timed passes per K (after one warm-up). @default 5 */
  repeats?: number;
  /** Landmarks per shape. @default 68 */
  nPoints?: number;
  /** Model options. @default {} */
  model?: ModelOptions;
  /** Top classes reported per face. @default 5 */
  topK?: number;
  /**
   * The head: 'float32' (a trainable model's, on the engine) or 'int8' (an inference-only model's 8-bit head, in
   * its own WebAssembly memory; `headMB` then counts that memory). @default 'float32'
   */
  head?: HeadPrecision;
}

/** A stand-in class table of K classes with random centres (for cost measurements only). */
export function randomClassTable(K: number, nPoints: number, seed = 0): ClassTable {
  const rng = new Rng(seed);
  const centers = new Float32Array(K * 2 * nPoints);
  for (let i = 0; i < centers.length; i++) centers[i] = rng.uniform(0, 1);
  return {
    kind: 'exemplar-landmarks/class-table',
    method: 'exemplar',
    K,
    nPoints,
    scheme: nPoints === 68 ? 'ibug68' : `generic${nPoints}`,
    centers,
    sigma: new Float32Array(K).fill(0.01),
    pose: new Float32Array(3 * K),
    visibility: new Float32Array(K * nPoints).fill(1),
    memberOffsets: Int32Array.from({ length: K + 1 }, (_, k) => k),
    memberIds: Array.from({ length: K }, (_, k) => `random/${k}`),
  };
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s[s.length >> 1];
}

/**
 * Measures prediction cost against K (see the module comment).
 * @example const rows = forwardCostVsK({ Ks: [10, 1000, 100000], batch: 32 })
 */
export function forwardCostVsK(opts: ForwardCostOptions = {}): ForwardCostRow[] {
  const fn = 'forwardCostVsK';
  const Ks = opts.Ks ?? [10, 100, 1000, 10000, 100000];
  if (!Array.isArray(Ks) || Ks.length === 0) {
    throw new ValueError(
      `${fn}: argument 'Ks' expected a non-empty array of class counts, got ${describe(Ks)}`,
    );
  }
  Ks.forEach((K, i) => assertInteger(fn, `Ks[${i}]`, K, 1, 10_000_000));
  const batch = opts.batch ?? 32;
  assertInteger(fn, 'batch', batch, 1, 4096);
  const repeats = opts.repeats ?? 5;
  assertInteger(fn, 'repeats', repeats, 1, 1000);
  const nPoints = opts.nPoints ?? 68;
  assertInteger(fn, 'nPoints', nPoints, 1, 10000);
  const topK = opts.topK ?? 5;
  assertInteger(fn, 'topK', topK, 1, Math.min(...Ks));
  const head = opts.head ?? 'float32';
  if (head !== 'float32' && head !== 'int8') {
    throw new ValueError(`${fn}: option 'head' expected 'float32' or 'int8', got ${describe(opts.head)}`);
  }
  const rows: ForwardCostRow[] = [];
  for (const K of Ks) {
    const model = createModel(randomClassTable(K, nPoints), opts.model ?? {});
    if (head === 'int8') model.inferenceOnly({ head: 'int8' });
    try {
      const { size, channels } = model.config.input;
      const rng = new Rng(K);
      const x = new Float32Array(batch * size * size * channels);
      for (let i = 0; i < x.length; i++) x[i] = rng.uniform(-1, 1);
      const boxes: Box[] = Array.from({ length: batch }, () => ({ x: 0, y: 0, width: 100, height: 100 }));
      const before = tf.memory().numBytes;
      const timeIt = (f: () => void): number => {
        f();
        const t: number[] = [];
        for (let r = 0; r < repeats; r++) {
          const t0 = performance.now();
          f();
          t.push((performance.now() - t0) / batch);
        }
        return median(t);
      };
      const backboneMsPerFace = timeIt(() => {
        tf.tidy(() => features(model, tf.tensor4d(x, [batch, size, size, channels])).dataSync());
      });
      const msPerFace = timeIt(() => predictInputs(model, x, batch, boxes, topK));
      const q = model.int8Head();
      const headMB = (q ? q.bytes : tf.memory().numBytes - before) / 2 ** 20;
      rows.push({ K, msPerFace, backboneMsPerFace, headMB, rssMB: process.memoryUsage().rss / 2 ** 20 });
    } finally {
      model.dispose();
    }
  }
  return rows;
}
