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

/** Checks a forward beam width (natural log; Infinity = exact) and returns its relative threshold e^-beam. */
export function beamThreshold(fn: string, beam: number): number {
  if (typeof beam !== 'number' || !(beam > 0)) {
    throw new ValueError(
      `${fn}: argument 'beam' expected a number > 0 (Infinity: exact), got ${describe(beam)}`,
    );
  }
  return Math.exp(-beam);
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

/** Scratch arrays of length K for one pass (and the epoch of their stamps). */
export interface HmmScratch {
  readonly acc: Float64Array;
  readonly emis: Float64Array;
  readonly keep: Int32Array;
  readonly cand: Int32Array;
  /** stamp[j] === epoch: class j is a candidate of the current sparse step; support[j] === epoch: in the frame's kept set. */
  readonly stamp: Int32Array;
  readonly support: Int32Array;
  epoch: number;
}

export function hmmScratch(K: number): HmmScratch {
  return {
    acc: new Float64Array(K),
    emis: new Float64Array(K),
    keep: new Int32Array(K),
    cand: new Int32Array(K),
    stamp: new Int32Array(K),
    support: new Int32Array(K),
    epoch: 0,
  };
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
 * (uniform prior 1/K), then pruning (not on the first frame): classes below `theta` times the step's largest value are dropped (theta = 0:
 * exact). A sparse frame with theta > 0 takes the fast path: only the classes reached along an edge from the beam and
 * the frame's kept classes are computed; every other class has the same value (the frame's floor × the uniform jump
 * or prior), dropped as a whole when below the threshold (else the dense path runs).
 */
export function forwardStep(
  fn: string,
  m: HmmModel,
  prev: HmmBeam | null,
  frame: PosteriorLike,
  t: number,
  theta: number,
  s: HmmScratch,
): ForwardStep {
  // The first frame is never pruned: with no past evidence yet, a class unlikely now may be what later frames favour.
  if (prev === null) return denseStep(fn, m, prev, frame, t, 0, s);
  const r = theta > 0 && !isDense(frame) ? sparseStep(fn, m, prev, frame, t, theta, s) : null;
  return r ?? denseStep(fn, m, prev, frame, t, theta, s);
}

function denseStep(
  fn: string,
  m: HmmModel,
  prev: HmmBeam | null,
  frame: PosteriorLike,
  t: number,
  theta: number,
  s: HmmScratch,
): ForwardStep {
  const K = m.K;
  const { acc, emis } = s;
  // Every class is a candidate: stamped up front, so the push adds to all of them in place.
  const ep = ++s.epoch;
  s.stamp.fill(ep);
  acc.fill(prev === null ? 1 / K : m.jumpProb);
  pushBeam(m, prev, s, ep, 0, 0);
  emissionFill(frame, emis);
  let Z = 0;
  for (let j = 0; j < K; j++) {
    const v = emis[j] * acc[j];
    acc[j] = v;
    Z += v;
  }
  assertMass(fn, Z, t);
  const { n, kept } = pruneCandidates(acc, null, K, theta, s.keep);
  return finish(acc, s.keep, n, kept, Z);
}

/**
 * Adds Σ_i α(i) A(i→j) without the jump part to acc[j] along the beam's self and out-edges; a class not yet stamped
 * with `ep` starts at `base` and is appended to the candidates. Returns the new candidate count.
 */
function pushBeam(
  m: HmmModel,
  prev: HmmBeam | null,
  s: HmmScratch,
  ep: number,
  base: number,
  nc: number,
): number {
  if (prev === null) return nc;
  const { acc } = s;
  const { indices, probs } = prev;
  const { outOffsets, outTarget, moveProb, selfProb } = m;
  for (let a = 0; a < indices.length; a++) {
    const i = indices[a];
    const x = probs[a];
    nc = enter(s, i, ep, base, nc);
    acc[i] += x * selfProb[i];
    for (let e = outOffsets[i], b = outOffsets[i + 1]; e < b; e++) {
      const j = outTarget[e];
      nc = enter(s, j, ep, base, nc);
      acc[j] += x * moveProb[e];
    }
  }
  return nc;
}

/** Makes j a candidate of epoch `ep` (value `base`) unless it is one; returns the candidate count. */
function enter(s: HmmScratch, j: number, ep: number, base: number, nc: number): number {
  if (s.stamp[j] === ep) return nc;
  s.stamp[j] = ep;
  s.acc[j] = base;
  s.cand[nc] = j;
  return nc + 1;
}

function sparseStep(
  fn: string,
  m: HmmModel,
  prev: HmmBeam | null,
  frame: SparsePosterior,
  t: number,
  theta: number,
  s: HmmScratch,
): ForwardStep | null {
  const K = m.K;
  const { acc, emis, support, cand } = s;
  const ep = ++s.epoch;
  const nSup = frame.indices.length;
  const floor = nSup < K ? frame.epsilon / (K - nSup) : 0;
  const base = prev === null ? 1 / K : m.jumpProb;
  let nc = pushBeam(m, prev, s, ep, base, 0);
  for (let i = 0; i < nSup; i++) {
    const j = frame.indices[i];
    nc = enter(s, j, ep, base, nc);
    support[j] = ep;
    emis[j] = frame.probs[i];
  }
  let Z = 0;
  for (let c = 0; c < nc; c++) {
    const j = cand[c];
    const v = (support[j] === ep ? emis[j] : floor) * acc[j];
    acc[j] = v;
    Z += v;
  }
  const bg = floor * base;
  Z += (K - nc) * bg;
  assertMass(fn, Z, t);
  let max = bg;
  for (let c = 0; c < nc; c++) if (acc[cand[c]] > max) max = acc[cand[c]];
  if (bg > 0 && bg >= theta * max) return null;
  const { n, kept } = pruneCandidates(acc, cand, nc, theta, s.keep);
  const keep = s.keep.subarray(0, n).sort();
  return finish(acc, keep, n, kept, Z);
}

function assertMass(fn: string, Z: number, t: number): void {
  if (!(Z > 0) || !Number.isFinite(Z)) {
    throw new ValueError(
      `${fn}: frame ${t}: expected some class reachable from the previous frame with non-zero probability, got total ${Z} (raise 'jump' or widen 'beam')`,
    );
  }
}

function finish(acc: Float64Array, keep: Int32Array, n: number, kept: number, Z: number): ForwardStep {
  const indices = keep.slice(0, n);
  const probs = new Float64Array(n);
  for (let a = 0; a < n; a++) probs[a] = acc[indices[a]] / kept;
  return { beam: { indices, probs }, logScale: Math.log(kept), dropped: 1 - kept / Z };
}

/**
 * Keeps the classes (values `v` by class, over the candidate list `cand`, or every class when null) whose value is at
 * least `theta` times the largest (zeros always dropped; theta = 0 keeps every non-zero class). Writes them into
 * `keep` (in candidate order); returns their count and sum. What is dropped is at most (classes dropped) × theta × max,
 * so at most K · theta of the step's mass.
 */
export function pruneCandidates(
  v: Float64Array,
  cand: Int32Array | null,
  nCand: number,
  theta: number,
  keep: Int32Array,
): { n: number; kept: number } {
  let max = 0;
  if (theta > 0) {
    if (cand === null) for (let j = 0; j < nCand; j++) max = Math.max(max, v[j]);
    else for (let c = 0; c < nCand; c++) max = Math.max(max, v[cand[c]]);
  }
  const floor = theta * max;
  let n = 0;
  let kept = 0;
  for (let c = 0; c < nCand; c++) {
    const j = cand === null ? c : cand[c];
    const x = v[j];
    if (x > 0 && x >= floor) {
      keep[n++] = j;
      kept += x;
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
