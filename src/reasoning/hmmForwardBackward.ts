/**
 * Forward-backward smoothing of the HMM: p(class at frame t | all frames) for every frame, as SparsePosteriors
 * (whose marginals, heatmaps and pose intervals then come from the rest of `reasoning`).
 *
 * Memory (never frames × K floats): the forward pass keeps its state only at checkpoints every ⌈√T⌉ frames; the
 * backward pass recomputes each segment's forward states from its checkpoint (one more forward pass in time), so it
 * holds about 2√T beams of at most K states plus the output.
 *
 * The approximation, and its bound: after each forward step but the first, the states whose filtered probability is below e^-beam
 * times the frame's most probable state are dropped (the beam; `beam: Infinity` is exact). The result is then the
 * exact smoothed posterior of the HMM whose paths stay inside the beams. Each step drops at most K · e^-beam of its
 * mass (the fraction actually dropped is returned per frame, `dropped`), so every filtered distribution is within that
 * total variation of the unpruned one given the same previous beam; the smoothed distributions are not bounded a
 * priori (a dropped state could be favoured by later frames), so the error against the exact computation is measured
 * (tests, bench/RESULTS.md). The output keeps the fewest states holding `mass` of each smoothed distribution, with
 * ε = what it leaves out.
 */
import {
  type HmmBeam,
  type HmmScratch,
  assertFrames,
  assertOutput,
  beamThreshold,
  beamToSparse,
  emissionFill,
  forwardStep,
  hmmScratch,
} from './hmmFrames';
import type { HmmModel } from './hmmModel';
import type { PosteriorLike, SparsePosterior } from './posterior';

/** Options shared by `hmmForwardBackward` and `hmmFilterStep`. */
export interface HmmBeamOptions {
  /**
   * Width of the forward beam in natural log: states less probable than e^-beam times the frame's best are dropped;
   * Infinity is exact. @default 15
   */
  beam?: number;
}

/** Options of the smoothed / filtered outputs. */
export interface HmmOutputOptions {
  /** Each output posterior keeps the fewest classes holding this mass. @default 0.999 */
  mass?: number;
  /** … and at most this many classes (ε then grows). @default 8192 */
  maxClasses?: number;
}

/** Options of `hmmForwardBackward`. */
export type HmmForwardBackwardOptions = HmmBeamOptions & HmmOutputOptions;

/** What `hmmForwardBackward` returns. */
export interface HmmForwardBackwardResult {
  /** Per frame, p(class | all frames). */
  readonly posteriors: SparsePosterior[];
  /** log p(frames) under the HMM (of the pruned model; up to the emissions' constant). */
  readonly logLikelihood: number;
  /** Per frame, the forward beam's size (states kept). */
  readonly beamSize: Int32Array;
  /** Per frame, the fraction of the forward step's mass that pruning dropped (≤ K · e^-beam). */
  readonly dropped: Float64Array;
}

/**
 * Smoothed per-frame posteriors (forward-backward) for the frames' posteriors (dense or sparse).
 * @example const fb = hmmForwardBackward(hmm, frames); reasoning.posteriorYaw(fb.posteriors[t], table)
 */
export function hmmForwardBackward(
  model: HmmModel,
  frames: readonly PosteriorLike[],
  opts: HmmForwardBackwardOptions = {},
): HmmForwardBackwardResult {
  const fn = 'hmmForwardBackward';
  assertFrames(fn, model, frames);
  const theta = beamThreshold(fn, opts.beam ?? 15);
  const mass = opts.mass ?? 0.999;
  const maxClasses = opts.maxClasses ?? 8192;
  assertOutput(fn, mass, maxClasses);
  const K = model.K;
  const T = frames.length;
  const c = Math.max(1, Math.ceil(Math.sqrt(T)));
  const s = hmmScratch(K);
  const beamSize = new Int32Array(T);
  const dropped = new Float64Array(T);
  const checkpoints: HmmBeam[] = [];
  let logLikelihood = 0;
  let beam: HmmBeam | null = null;
  for (let t = 0; t < T; t++) {
    const step = forwardStep(fn, model, beam, frames[t], t, theta, s);
    beam = step.beam;
    logLikelihood += step.logScale;
    beamSize[t] = beam.indices.length;
    dropped[t] = step.dropped;
    if (t % c === 0) checkpoints.push(beam);
  }
  const posteriors: SparsePosterior[] = new Array<SparsePosterior>(T);
  // u = e_{t+1} · β_{t+1} over the next frame's beam (dense, zero elsewhere); β_{T-1} = 1.
  const u = new Float64Array(K);
  let nextBeam: HmmBeam | null = null;
  let nextBeta: Float64Array | null = null;
  for (let seg = checkpoints.length - 1; seg >= 0; seg--) {
    const t0 = seg * c;
    const t1 = Math.min(T, t0 + c);
    const alphas: HmmBeam[] = [checkpoints[seg]];
    for (let t = t0 + 1; t < t1; t++)
      alphas.push(forwardStep(fn, model, alphas[alphas.length - 1], frames[t], t, theta, s).beam);
    checkpoints.pop();
    for (let t = t1 - 1; t >= t0; t--) {
      const a: HmmBeam = alphas[t - t0];
      const beta: Float64Array =
        nextBeam === null
          ? new Float64Array(a.indices.length).fill(1)
          : backwardStep(model, a, nextBeam, nextBeta!, frames[t + 1], u, s);
      const g = new Float64Array(a.indices.length);
      let Z = 0;
      for (let i = 0; i < g.length; i++) Z += g[i] = a.probs[i] * beta[i];
      for (let i = 0; i < g.length; i++) g[i] /= Z;
      posteriors[t] = beamToSparse(K, a.indices, g, mass, maxClasses);
      nextBeam = a;
      nextBeta = beta;
    }
  }
  return { posteriors, logLikelihood, beamSize, dropped };
}

/**
 * β_t(i) = Σ_j A(i→j) e_{t+1}(j) β_{t+1}(j) over the beam of frame t, with β_{t+1} zero outside its beam (the
 * pruned model); rescaled to a maximum of 1.
 */
function backwardStep(
  m: HmmModel,
  beam: HmmBeam,
  nextBeam: HmmBeam,
  nextBeta: Float64Array,
  nextFrame: PosteriorLike,
  u: Float64Array,
  s: HmmScratch,
): Float64Array {
  emissionFill(nextFrame, s.emis);
  const nb = nextBeam.indices;
  let U = 0;
  for (let a = 0; a < nb.length; a++) {
    const j = nb[a];
    const v = s.emis[j] * nextBeta[a];
    u[j] = v;
    U += v;
  }
  const { outOffsets, outTarget, moveProb, selfProb, jumpProb } = m;
  const idx = beam.indices;
  const beta = new Float64Array(idx.length);
  let max = 0;
  for (let a = 0; a < idx.length; a++) {
    const i = idx[a];
    let v = selfProb[i] * u[i] + jumpProb * U;
    for (let e = outOffsets[i], b = outOffsets[i + 1]; e < b; e++) v += moveProb[e] * u[outTarget[e]];
    beta[a] = v;
    if (v > max) max = v;
  }
  for (let a = 0; a < nb.length; a++) u[nb[a]] = 0;
  if (max > 0) for (let a = 0; a < beta.length; a++) beta[a] /= max;
  return beta;
}
