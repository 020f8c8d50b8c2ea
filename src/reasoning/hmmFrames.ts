/**
 * @internal The HMM's shared machinery: frame validation, emissions from per-frame posteriors, the forward step on
 * a beam of states, beam pruning, and the sparse output of a beam.
 *
 * Emissions: with a uniform class prior, p(image_t | class k) ∝ p(class k | image_t), so a frame's posterior is its
 * emission. A sparse frame's kept classes use their probabilities; every other class gets the frame's ε spread
 * uniformly, ε / (K − kept) (a floor: the mass the sparse form left out, put where it is not known).
 */
import { ExemplarError, ShapeError, ValueError } from '../errors';
import { assertInRange, assertInteger, describe } from '../util/validate';
import type { HmmModel } from './hmmModel';
import { type PosteriorLike, type SparsePosterior, posteriorTop, posteriorValidate } from './posterior';

/** A set of states with their (normalised) weights: the forward filter's support after pruning. */
export interface HmmBeam {
  /** States in the beam (ascending class index). */
  readonly indices: Int32Array;
  /** Their weights (sum to 1). */
  readonly probs: Float64Array;
}

/** Checks the model and every frame (same K as the model, valid posteriors). */
export function assertFrames(fn: string, model: HmmModel, frames: readonly PosteriorLike[]): void {
  assertModel(fn, model);
  if (!Array.isArray(frames)) {
    throw new ShapeError(`${fn}: argument 'frames' expected an array of posteriors, got ${describe(frames)}`);
  }
  if (frames.length === 0) {
    throw new ShapeError(`${fn}: argument 'frames' expected at least one frame, got an empty sequence`);
  }
  for (let t = 0; t < frames.length; t++) assertFrame(fn, model, frames[t], t);
}

export function assertModel(fn: string, model: HmmModel): void {
  if (typeof model !== 'object' || model === null || model.kind !== 'hmm-model') {
    throw new ValueError(
      `${fn}: argument 'model' expected an HmmModel (from hmmModel), got ${describe(model)}`,
    );
  }
}

/** Checks one frame; errors name the frame and say what K came against the model's. */
export function assertFrame(fn: string, model: HmmModel, frame: PosteriorLike, t: number): void {
  try {
    posteriorValidate(fn, frame, model.K);
  } catch (e) {
    if (!(e instanceof ExemplarError)) throw e;
    const msg = e.message.replace(`${fn}: argument 'posterior'`, `${fn}: frame ${t}:`);
    const extra = msg.includes('K =') ? ' (frames from a different table than the model?)' : '';
    throw e instanceof ShapeError ? new ShapeError(msg + extra) : new ValueError(msg);
  }
}

export function assertPrune(fn: string, prune: number): void {
  assertInRange(fn, 'prune', prune, 0, 0.5);
}

export function assertOutput(fn: string, mass: number, maxClasses: number): void {
  assertInRange(fn, 'mass', mass, 0, 1);
  assertInteger(fn, 'maxClasses', maxClasses, 1);
}

function isDense(p: PosteriorLike): p is Float32Array | Float64Array {
  return p instanceof Float32Array || p instanceof Float64Array;
}

/** Writes frame's emission for every class into `out` (length K). */
export function emissionFill(frame: PosteriorLike, out: Float64Array): void {
  if (isDense(frame)) {
    for (let k = 0; k < out.length; k++) out[k] = frame[k];
    return;
  }
  const m = frame.indices.length;
  out.fill(m < frame.K ? frame.epsilon / (frame.K - m) : 0);
  for (let i = 0; i < m; i++) out[frame.indices[i]] = frame.probs[i];
}

/** Writes log of the frame's emission for every class into `out` (length K). */
export function logEmissionFill(frame: PosteriorLike, out: Float64Array): void {
  if (isDense(frame)) {
    for (let k = 0; k < out.length; k++) out[k] = Math.log(frame[k]);
    return;
  }
  const m = frame.indices.length;
  out.fill(m < frame.K ? Math.log(frame.epsilon / (frame.K - m)) : -Infinity);
  for (let i = 0; i < m; i++) out[frame.indices[i]] = Math.log(frame.probs[i]);
}

/** Scratch arrays of length K for one pass. */
export interface HmmScratch {
  readonly acc: Float64Array;
  readonly emis: Float64Array;
  readonly keep: Int32Array;
}

export function hmmScratch(K: number): HmmScratch {
  return { acc: new Float64Array(K), emis: new Float64Array(K), keep: new Int32Array(K) };
}

/** What one forward step gives: the new beam and log of the step's normaliser (kept mass). */
export interface ForwardStep {
  readonly beam: HmmBeam;
  readonly logScale: number;
  /** Fraction of the step's mass dropped by pruning. */
  readonly dropped: number;
}

/**
 * One forward step: α'(j) ∝ e(j) Σ_i α(i) A(i→j) for every class j, then pruning. `prev` null is the first frame
 * (uniform prior 1/K). Exact for prune = 0.
 */
export function forwardStep(
  fn: string,
  m: HmmModel,
  prev: HmmBeam | null,
  frame: PosteriorLike,
  t: number,
  prune: number,
  s: HmmScratch,
): ForwardStep {
  const K = m.K;
  const { acc, emis } = s;
  if (prev === null) acc.fill(1 / K);
  else {
    acc.fill(m.jumpProb);
    const { indices, probs } = prev;
    const { outOffsets, outTarget, moveProb, selfProb } = m;
    for (let a = 0; a < indices.length; a++) {
      const i = indices[a];
      const x = probs[a];
      acc[i] += x * selfProb[i];
      for (let e = outOffsets[i], b = outOffsets[i + 1]; e < b; e++) acc[outTarget[e]] += x * moveProb[e];
    }
  }
  emissionFill(frame, emis);
  let Z = 0;
  for (let j = 0; j < K; j++) {
    const v = emis[j] * acc[j];
    acc[j] = v;
    Z += v;
  }
  if (!(Z > 0) || !Number.isFinite(Z)) {
    throw new ValueError(
      `${fn}: frame ${t}: expected some class reachable from the previous frame with non-zero probability, got total ${Z} (raise 'jump' or 'prune' less)`,
    );
  }
  const { n, kept } = pruneBeam(acc, Z, prune, s.keep);
  const indices = s.keep.slice(0, n);
  const probs = new Float64Array(n);
  for (let a = 0; a < n; a++) probs[a] = acc[indices[a]] / kept;
  return { beam: { indices, probs }, logScale: Math.log(kept), dropped: 1 - kept / Z };
}

/**
 * Drops the least-valued entries of `v` (non-negative, total Z) holding together at most prune · Z: values are
 * bucketed by powers of two below the maximum and whole buckets are dropped from the bottom (linear, no sort).
 * Zeros are always dropped. Writes the kept indices (ascending) into `keep`; returns their count and sum.
 */
export function pruneBeam(
  v: Float64Array,
  Z: number,
  prune: number,
  keep: Int32Array,
): { n: number; kept: number } {
  const K = v.length;
  let n = 0;
  let kept = 0;
  let max = 0;
  if (prune > 0) for (let j = 0; j < K; j++) if (v[j] > max) max = v[j];
  const inv = 1 / max;
  const NB = 64;
  let cut = NB;
  if (prune > 0) {
    // Bucket b holds x with 2^-(b+1) < x / max ≤ 2^-b (the last bucket everything smaller).
    const mass = new Float64Array(NB);
    for (let j = 0; j < K; j++) {
      const x = v[j];
      if (x > 0) mass[Math.min(NB - 1, Math.floor(-Math.log2(x * inv)))] += x;
    }
    const budget = prune * Z;
    let dropped = 0;
    while (cut > 1 && dropped + mass[cut - 1] <= budget) dropped += mass[--cut];
  }
  if (prune === 0 || cut === NB) {
    for (let j = 0; j < K; j++) {
      if (v[j] > 0) {
        keep[n++] = j;
        kept += v[j];
      }
    }
  } else {
    for (let j = 0; j < K; j++) {
      const x = v[j];
      if (x > 0 && Math.floor(-Math.log2(x * inv)) < cut) {
        keep[n++] = j;
        kept += x;
      }
    }
  }
  return { n, kept };
}

/**
 * A beam's weights as a SparsePosterior over K: the fewest states holding `mass`, at most `maxClasses`, most
 * probable first (`posteriorTop` on the beam), ε = what is left out.
 */
export function beamToSparse(
  K: number,
  indices: Int32Array,
  probs: Float64Array,
  mass: number,
  maxClasses: number,
): SparsePosterior {
  const top = posteriorTop(probs, { mass, maxClasses: Math.min(maxClasses, probs.length) });
  const out = new Int32Array(top.indices.length);
  for (let i = 0; i < out.length; i++) out[i] = indices[top.indices[i]];
  return { kind: 'sparse-posterior', K, indices: out, probs: top.probs, epsilon: top.epsilon };
}
