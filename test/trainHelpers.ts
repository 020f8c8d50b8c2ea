/** Helpers of the training tests: a tiny model, a model's weights copied out, sampled steps against references. */
import * as assert from 'node:assert/strict';
import type { ExemplarModel } from '../src/model';
import { expectClose } from './helpers';
import type { SampledStep } from '../src/internal';
import { Rng } from '../src/util/rng';

/** A tiny backbone for 16 × 16 inputs (trains in well under a second a step). */
export const tinyModelOptions = { input: { size: 16 }, widths: [8, 16], featureDim: 16 };

/** Backbone weights, head rows and biases, copied out. */
export function modelWeights(m: ExemplarModel): Float32Array[] {
  return [
    ...m.backbone.getWeights().map((w) => Float32Array.from(w.dataSync() as Float32Array)),
    Float32Array.from(m.headWeights()),
    Float32Array.from(m.headB),
  ];
}

/** A sampled step's loss and gradients with the row gradients scattered into K × D and K. */
export interface DenseStepValues {
  loss: number;
  dLdf: ArrayLike<number>;
  gW: ArrayLike<number>;
  gb: ArrayLike<number>;
}

/** Scatters a sampled step's row gradients into the full K × D and K arrays. */
export function scatterStep(step: SampledStep, K: number, D: number): DenseStepValues {
  const gW = new Float64Array(K * D);
  const gb = new Float64Array(K);
  step.rows.forEach((k, a) => {
    for (let d = 0; d < D; d++) gW[k * D + d] = step.gW[a * D + d];
    gb[k] = step.gb[a];
  });
  return { loss: step.loss, dLdf: step.dLdf, gW, gb };
}

/** The mean over `n` draws of a sampled step (scattered), for Monte Carlo checks of unbiasedness. */
export function meanStep(n: number, K: number, D: number, draw: () => SampledStep): DenseStepValues {
  let loss = 0;
  let dLdf: Float64Array | null = null;
  const gW = new Float64Array(K * D);
  const gb = new Float64Array(K);
  for (let r = 0; r < n; r++) {
    const s = scatterStep(draw(), K, D);
    loss += s.loss / n;
    dLdf ??= new Float64Array(s.dLdf.length);
    for (let i = 0; i < dLdf.length; i++) dLdf[i] += s.dLdf[i] / n;
    for (let i = 0; i < gW.length; i++) gW[i] += s.gW[i] / n;
    for (let i = 0; i < gb.length; i++) gb[i] += s.gb[i] / n;
  }
  return { loss, dLdf: dLdf ?? new Float64Array(0), gW, gb };
}

/**
 * Asserts loss and gradients close to a reference: the loss within `lossRel` of it, each gradient within
 * `gradRel` of its largest magnitude.
 */
export function expectStepClose(
  got: DenseStepValues,
  ref: DenseStepValues,
  lossRel: number,
  gradRel: number,
): void {
  assert.ok(Math.abs(got.loss - ref.loss) < lossRel * ref.loss, `loss ${got.loss} vs ${ref.loss}`);
  const scale = (a: ArrayLike<number>) => Math.max(...Array.from(a, Math.abs));
  for (const k of ['dLdf', 'gW', 'gb'] as const) expectClose(got[k], ref[k], gradRel * scale(ref[k]), k);
}

/** The small sampled-head problem both sampled-head suites use: K = 30 classes, D = 6, a batch of 4 (seed 11). */
export function sampledHeadFixture(): {
  K: number;
  D: number;
  B: number;
  W: Float32Array;
  b: Float32Array;
  f: Float32Array;
  membership: { offsets: Int32Array; indices: Int32Array };
} {
  const K = 30;
  const D = 6;
  const B = 4;
  const rng = new Rng(11);
  const W = Float32Array.from({ length: K * D }, () => rng.normal(0, 0.5));
  const b = Float32Array.from({ length: K }, () => rng.normal(0, 0.5));
  const f = Float32Array.from({ length: B * D }, () => rng.normal(0, 1));
  const membership = {
    offsets: Int32Array.from([0, 3, 4, 9, 11]),
    indices: Int32Array.from([1, 5, 7, 0, 2, 3, 4, 8, 20, 13, 29]),
  };
  return { K, D, B, W, b, f, membership };
}
