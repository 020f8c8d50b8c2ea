/**
 * The sampled multi-label head, for K too large for a dense head on the CPU. The head is a JS-side class table
 * (W: K × D row-major, b: K); each step touches only the rows of the batch's positives and of a shared, uniformly
 * sampled set S of n negatives (seeded).
 *
 * Estimator (unbiased for the full multi-label loss of losses.ts, Horvitz–Thompson weights):
 *   L_i ≈ (|M_i| / |P_i|) Σ_{k ∈ P_i} softplus(−s_ik) + (K / n) Σ_{k ∈ S \ M_i} softplus(s_ik)
 * with P_i = M_i, or a uniform subset of `maxPositives` of it when M_i is larger, and S a uniform n-subset of the K
 * classes drawn without replacement (so each negative is in S with probability n / K). With n = K and no positive
 * subsampling it is exactly the dense loss, and so are its gradients (test/model.test.ts "sampled multi-label head").
 *
 * Hard negatives (stratified sampling): given a set H of classes fixed before the draw (train.ts takes the nearest
 * classes of each example's nearest class, so the classes just outside tau), S = H ∪ U with U a uniform n-subset of
 * the other K − |H| classes. Every class of H is in S with probability 1 (weight 1), every other one with
 * probability n / (K − |H|) (weight (K − |H|) / n):
 *   L_i ≈ (|M_i| / |P_i|) Σ_{P_i} softplus(−s_ik) + Σ_{k ∈ H \ M_i} softplus(s_ik) + ((K − |H|) / n) Σ_{k ∈ U \ M_i} softplus(s_ik)
 * Its expectation over the draws, given the batch, is the full loss, and so is that of its gradients (the estimate
 * is linear in the per-class terms). What "unbiased" does not cover: Adam's per-row state. A row's moments only move
 * on the steps it is drawn, so the update a row receives is not the expected dense-Adam update; `RowAdam`'s
 * 'decayed' mode applies the missed β^Δ decay to a row's moments when it comes back (a correction, not exactness).
 *
 * Gradients: with G the B × |A| matrix of dL/ds on the active rows A, dL/df = G·W_A (handed to the backbone),
 * dL/dW_A = Gᵀ·F and dL/db_A = column sums of G. The three products run on the engine as plain products (operands
 * transposed on the JS side: wasm's transposed products are 7-10× slower); the rows are updated by
 * `RowAdam` (lazy Adam: moments kept per row, only active rows move).
 */
import * as tf from '@tensorflow/tfjs';
import type { Membership } from '../classes/types';
import type { Rng } from '../util/rng';

/** Options of the sampled head. */
export interface SampledHeadOptions {
  /** Negatives sampled per step (shared by the batch); ≥ K means all. @default 1024 */
  negatives?: number;
  /** Positives used per example; larger sets are subsampled uniformly and reweighted. @default 64 */
  maxPositives?: number;
}

/** One step's result: loss estimate, gradient for the features, and gradients of the active rows. */
export interface SampledStep {
  loss: number;
  /** B × D */
  dLdf: Float32Array;
  /** Active class indices (|A|). */
  rows: Int32Array;
  /** |A| × D */
  gW: Float32Array;
  /** |A| */
  gb: Float32Array;
}

function softplus(s: number): number {
  return s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s));
}

function sigmoid(s: number): number {
  return s >= 0 ? 1 / (1 + Math.exp(-s)) : Math.exp(s) / (1 + Math.exp(s));
}

/** n distinct uniform integers from [0, K) (Floyd's algorithm); all of them when n ≥ K. */
export function sampleWithoutReplacement(K: number, n: number, rng: Rng): Int32Array {
  if (n >= K) {
    const all = new Int32Array(K);
    for (let k = 0; k < K; k++) all[k] = k;
    return all;
  }
  const chosen = new Set<number>();
  for (let j = K - n; j < K; j++) {
    const t = rng.int(j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  return Int32Array.from(chosen);
}

const NO_HARD = new Int32Array(0);

/**
 * n distinct uniform integers from [0, K) outside the ascending, distinct `hard` (all of them when n ≥ K − |hard|):
 * a uniform n-subset of [0, K − |hard|) mapped onto the classes not in `hard`, ascending.
 */
export function sampleOutside(K: number, hard: Int32Array, n: number, rng: Rng): Int32Array {
  const r = sampleWithoutReplacement(K - hard.length, n, rng).sort();
  let j = 0;
  for (let t = 0; t < r.length; t++) {
    while (j < hard.length && hard[j] <= r[t] + j) j++;
    r[t] += j;
  }
  return r;
}

/**
 * The hard negatives of a batch: the union of `graph`'s neighbours of each example's nearest class, ascending.
 * Depends on the batch only (not on the draws), as the stratified estimator needs.
 */
export function hardNegativeSet(
  graph: { offsets: Int32Array; indices: Int32Array },
  nearest: Int32Array,
  scratch: SampledHeadScratch,
): Int32Array {
  const stamp = ++scratch.stamp;
  const { mark } = scratch;
  const out: number[] = [];
  for (let i = 0; i < nearest.length; i++) {
    const c = nearest[i];
    for (let e = graph.offsets[c]; e < graph.offsets[c + 1]; e++) {
      const k = graph.indices[e];
      if (mark[k] !== stamp) {
        mark[k] = stamp;
        out.push(k);
      }
    }
  }
  return Int32Array.from(out).sort();
}

/** Scratch buffers reused across steps (sized K). */
export class SampledHeadScratch {
  readonly col: Int32Array;
  readonly mark: Int32Array;
  stamp = 0;
  constructor(K: number) {
    this.col = new Int32Array(K).fill(-1);
    this.mark = new Int32Array(K);
  }
}

/**
 * Computes the sampled multi-label loss and its gradients for a batch. `f` is B × D, `W` K × D, `b` K,
 * `membership` the batch's M_i (CSR). Pure apart from the draws from `rng`.
 */
export function sampledHeadStep(
  f: Float32Array,
  B: number,
  W: Float32Array,
  b: Float32Array,
  membership: Membership,
  opts: Required<SampledHeadOptions>,
  rng: Rng,
  scratch: SampledHeadScratch,
  hard: Int32Array = NO_HARD,
): SampledStep {
  const K = b.length;
  const D = W.length / K;
  const h = hard.length;
  const U =
    h === 0 ? sampleWithoutReplacement(K, opts.negatives, rng) : sampleOutside(K, hard, opts.negatives, rng);
  const wNeg = U.length > 0 ? (K - h) / U.length : 0;
  // positives per example (possibly subsampled) and their weights
  const pos: Int32Array[] = [];
  const wPos = new Float64Array(B);
  const { col } = scratch;
  const rows: number[] = [];
  const addRow = (k: number) => {
    if (col[k] < 0) {
      col[k] = rows.length;
      rows.push(k);
    }
  };
  for (let i = 0; i < B; i++) {
    const all = membership.indices.subarray(membership.offsets[i], membership.offsets[i + 1]);
    let p: Int32Array = all;
    if (all.length > opts.maxPositives) {
      const copy = Int32Array.from(all);
      for (let j = 0; j < opts.maxPositives; j++) {
        const r = j + rng.int(copy.length - j);
        const t = copy[j];
        copy[j] = copy[r];
        copy[r] = t;
      }
      p = copy.subarray(0, opts.maxPositives);
    }
    pos.push(p);
    wPos[i] = p.length > 0 ? all.length / p.length : 0;
    for (let j = 0; j < p.length; j++) addRow(p[j]);
  }
  for (let j = 0; j < h; j++) addRow(hard[j]);
  for (let j = 0; j < U.length; j++) addRow(U[j]);
  const A = rows.length;
  const rowIdx = Int32Array.from(rows);
  // gather active rows, also transposed (wasm's transposed products are 7-10× slower than plain ones)
  const WA = new Float32Array(A * D);
  const WAT = new Float32Array(D * A);
  const bA = new Float32Array(A);
  for (let a = 0; a < A; a++) {
    const k = rowIdx[a];
    const o = k * D;
    for (let d = 0; d < D; d++) {
      const w = W[o + d];
      WA[a * D + d] = w;
      WAT[d * A + a] = w;
    }
    bA[a] = b[k];
  }
  const scores = tf.tidy(() =>
    tf.add(tf.matMul(tf.tensor2d(f, [B, D]), tf.tensor2d(WAT, [D, A])), tf.tensor1d(bA)),
  );
  const s = scores.dataSync();
  scores.dispose();
  // G = dL/ds on active columns, averaged over the batch
  const G = new Float32Array(B * A);
  const { mark } = scratch;
  let loss = 0;
  for (let i = 0; i < B; i++) {
    const stamp = ++scratch.stamp;
    const all = membership.indices.subarray(membership.offsets[i], membership.offsets[i + 1]);
    for (let j = 0; j < all.length; j++) mark[all[j]] = stamp;
    const p = pos[i];
    const wp = wPos[i];
    for (let j = 0; j < p.length; j++) {
      const c = col[p[j]];
      const sc = s[i * A + c];
      loss += wp * softplus(-sc);
      G[i * A + c] += (wp * (sigmoid(sc) - 1)) / B;
    }
    for (let j = 0; j < h; j++) {
      const k = hard[j];
      if (mark[k] === stamp) continue;
      const c = col[k];
      const sc = s[i * A + c];
      loss += softplus(sc);
      G[i * A + c] += sigmoid(sc) / B;
    }
    for (let j = 0; j < U.length; j++) {
      const k = U[j];
      if (mark[k] === stamp) continue;
      const c = col[k];
      const sc = s[i * A + c];
      loss += wNeg * softplus(sc);
      G[i * A + c] += (wNeg * sigmoid(sc)) / B;
    }
  }
  if (scratch.stamp > 2 ** 30) {
    scratch.stamp = 0;
    mark.fill(0);
  }
  for (let a = 0; a < A; a++) col[rowIdx[a]] = -1;
  const GT = new Float32Array(A * B);
  for (let i = 0; i < B; i++) for (let a = 0; a < A; a++) GT[a * B + i] = G[i * A + a];
  const [dLdfT, gWT] = tf.tidy(() => [
    tf.matMul(tf.tensor2d(G, [B, A]), tf.tensor2d(WA, [A, D])),
    tf.matMul(tf.tensor2d(GT, [A, B]), tf.tensor2d(f, [B, D])),
  ]);
  const dLdf = dLdfT.dataSync() as Float32Array;
  const gW = gWT.dataSync() as Float32Array;
  dLdfT.dispose();
  gWT.dispose();
  const gb = new Float32Array(A);
  for (let i = 0; i < B; i++) for (let a = 0; a < A; a++) gb[a] += G[i * A + a];
  return { loss: loss / B, dLdf, rows: rowIdx, gW, gb };
}

/** How RowAdam treats the moments of a row that sat out steps (see TrainOptions.rowAdam). */
export const ROW_ADAM_MODES = ['lazy', 'decayed'] as const;
/** How a head row's Adam moments age while the row sits out of a step: 'lazy' (not at all) or 'decayed' (β^Δ). */
export type RowAdamMode = (typeof ROW_ADAM_MODES)[number];

/**
 * Adam over the rows of a K × D table and its bias: moments per row, only the given rows move. 'lazy' (LazyAdam):
 * a row's moments stay as they were while it is not drawn; 'decayed': before a row is updated its moments are
 * multiplied by β₁^Δ and β₂^Δ for the Δ steps it missed, as dense Adam would have decayed them with zero gradients
 * (dense Adam would also have kept moving the row by its decaying momentum; that part is not replayed).
 */
export class RowAdam {
  readonly m: Float32Array;
  readonly v: Float32Array;
  readonly mb: Float32Array;
  readonly vb: Float32Array;
  /** 'decayed' mode: the step (1-based) at which each row was last updated, 0 = never. */
  readonly last: Int32Array;
  /** Steps taken (the bias correction uses this global count, as LazyAdam does). */
  t = 0;
  constructor(
    readonly K: number,
    readonly D: number,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = 1e-7,
    readonly mode: RowAdamMode = 'lazy',
  ) {
    this.m = new Float32Array(K * D);
    this.v = new Float32Array(K * D);
    this.mb = new Float32Array(K);
    this.vb = new Float32Array(K);
    this.last = new Int32Array(mode === 'decayed' ? K : 0);
  }

  /** Applies one step to rows `rows` of W and b with gradients gW (|rows| × D) and gb. */
  update(
    W: Float32Array,
    b: Float32Array,
    rows: Int32Array,
    gW: Float32Array,
    gb: Float32Array,
    lr: number,
  ): void {
    const { D, m, v, mb, vb, beta1: b1, beta2: b2, epsilon } = this;
    this.t++;
    const step = (lr * Math.sqrt(1 - b2 ** this.t)) / (1 - b1 ** this.t);
    const decayed = this.mode === 'decayed';
    for (let a = 0; a < rows.length; a++) {
      const k = rows[a];
      const o = k * D;
      const go = a * D;
      if (decayed) {
        const missed = this.last[k] > 0 ? this.t - this.last[k] - 1 : 0;
        this.last[k] = this.t;
        if (missed > 0) {
          const d1 = b1 ** missed;
          const d2 = b2 ** missed;
          for (let d = 0; d < D; d++) {
            m[o + d] *= d1;
            v[o + d] *= d2;
          }
          mb[k] *= d1;
          vb[k] *= d2;
        }
      }
      for (let d = 0; d < D; d++) {
        const g = gW[go + d];
        const mm = (m[o + d] = b1 * m[o + d] + (1 - b1) * g);
        const vv = (v[o + d] = b2 * v[o + d] + (1 - b2) * g * g);
        W[o + d] -= (step * mm) / (Math.sqrt(vv) + epsilon);
      }
      const g = gb[a];
      const mm = (mb[k] = b1 * mb[k] + (1 - b1) * g);
      const vv = (vb[k] = b2 * vb[k] + (1 - b2) * g * g);
      b[k] -= (step * mm) / (Math.sqrt(vv) + epsilon);
    }
  }
}
