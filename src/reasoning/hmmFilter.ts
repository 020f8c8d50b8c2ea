/**
 * The online forward filter: p(class at frame t | frames 0..t) for streaming video, one frame at a time, as a pure
 * function `hmmFilterStep(model, state, frame) → state` (the state is plain data the caller keeps; nothing is held
 * inside the library). Same pruning as `hmmForwardBackward`, so the filter's state after the last frame equals the
 * smoothed posterior of the last frame.
 */
import { ValueError } from '../errors';
import { describe } from '../util/validate';
import {
  assertFrame,
  assertModel,
  assertOutput,
  beamThreshold,
  beamToSparse,
  forwardStep,
  hmmScratch,
} from './hmmFrames';
import type { HmmBeamOptions, HmmOutputOptions } from './hmmForwardBackward';
import type { HmmModel } from './hmmModel';
import type { PosteriorLike, SparsePosterior } from './posterior';

/** The filter's state after some frames: plain data, safe to keep, copy or serialise. */
export interface HmmFilterState {
  readonly kind: 'hmm-filter-state';
  /** The model's K. */
  readonly K: number;
  /** Frames seen. */
  readonly frames: number;
  /** The filtered distribution's support (ascending class index) … */
  readonly indices: Int32Array;
  /** … and its probabilities (sum to 1). */
  readonly probs: Float64Array;
  /** log p(frames so far) (of the pruned model, up to the emissions' constant). */
  readonly logLikelihood: number;
}

/**
 * One filter step: the state after `frame` given the state before it (`null` before the first frame).
 * @example let s = null; for (const f of stream) { s = hmmFilterStep(hmm, s, f); show(hmmFilterPosterior(s)); }
 */
export function hmmFilterStep(
  model: HmmModel,
  state: HmmFilterState | null,
  frame: PosteriorLike,
  opts: HmmBeamOptions = {},
): HmmFilterState {
  const fn = 'hmmFilterStep';
  assertModel(fn, model);
  const theta = beamThreshold(fn, opts.beam ?? 15);
  if (state !== null) assertState(fn, state, model.K);
  const t = state === null ? 0 : state.frames;
  assertFrame(fn, model, frame, t);
  const prev = state === null ? null : { indices: state.indices, probs: state.probs };
  const step = forwardStep(fn, model, prev, frame, t, theta, hmmScratch(model.K));
  return {
    kind: 'hmm-filter-state',
    K: model.K,
    frames: t + 1,
    indices: step.beam.indices,
    probs: step.beam.probs,
    logLikelihood: (state === null ? 0 : state.logLikelihood) + step.logScale,
  };
}

/**
 * The filtered posterior of a state as a SparsePosterior (the fewest classes holding `mass`, most probable first).
 * @example const p = hmmFilterPosterior(state, { mass: 0.999 })
 */
export function hmmFilterPosterior(state: HmmFilterState, opts: HmmOutputOptions = {}): SparsePosterior {
  const fn = 'hmmFilterPosterior';
  if (typeof state !== 'object' || state === null || state.kind !== 'hmm-filter-state') {
    throw new ValueError(
      `${fn}: argument 'state' expected an HmmFilterState (from hmmFilterStep), got ${describe(state)}`,
    );
  }
  const mass = opts.mass ?? 0.999;
  const maxClasses = opts.maxClasses ?? 8192;
  assertOutput(fn, mass, maxClasses);
  return beamToSparse(state.K, state.indices, state.probs, mass, maxClasses);
}

function assertState(fn: string, s: HmmFilterState, K: number): void {
  if (typeof s !== 'object' || s === null || s.kind !== 'hmm-filter-state') {
    throw new ValueError(`${fn}: argument 'state' expected an HmmFilterState or null, got ${describe(s)}`);
  }
  if (s.K !== K) {
    throw new ValueError(`${fn}: argument 'state' expected a state of a model with K = ${K}, got K = ${s.K}`);
  }
  if (
    !(s.indices instanceof Int32Array) ||
    !(s.probs instanceof Float64Array) ||
    s.indices.length !== s.probs.length
  ) {
    throw new ValueError(
      `${fn}: argument 'state' expected Int32Array indices and Float64Array probs of one length, got ${describe(s.indices)} and ${describe(s.probs)}`,
    );
  }
}
