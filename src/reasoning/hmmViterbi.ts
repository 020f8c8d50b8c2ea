/**
 * Max-product Viterbi decoding of the HMM (the paper's video smoothing): the single most probable class sequence
 * given every frame's posterior, in log space.
 *
 * Memory: one back-pointer per frame and class, as a code of one byte (two when a class has more than 253 incoming
 * edges): 0 = stayed, 1 = jumped (from the previous frame's best class), 2 + s = came along the s-th incoming edge.
 * That is frames × K bytes (140 MB at K = 140,000 and 1,000 frames), never frames × K floats.
 *
 * Beam: states whose best-path log probability falls more than `beam` below the frame's best are not expanded (they
 * can still be reached again by a jump or an edge). `beam: Infinity` is exact max-product; a finite beam can miss
 * the best path only if a path e^beam times less likely than the leader overtakes it later.
 */
import { ValueError } from '../errors';
import { describe } from '../util/validate';
import { assertFrames, logEmissionFill } from './hmmFrames';
import type { HmmModel } from './hmmModel';
import type { PosteriorLike } from './posterior';

/** Options of `hmmViterbi`. */
export interface HmmViterbiOptions {
  /** Log-probability width of the beam (natural log); Infinity is exact. @default 20 */
  beam?: number;
}

/** What `hmmViterbi` returns. */
export interface HmmViterbiResult {
  /** The most probable class per frame. */
  readonly path: Int32Array;
  /** log p(path, frames) up to the emissions' constant (log of the max-product). */
  readonly logProb: number;
  /** States expanded per frame (the beam's size). */
  readonly beamSize: Int32Array;
}

/**
 * The most probable class sequence (max-product Viterbi) for the frames' posteriors (dense or sparse).
 * @example const { path } = hmmViterbi(hmm, frames.map((f) => f.posterior)); // path[t]: class of frame t
 */
export function hmmViterbi(
  model: HmmModel,
  frames: readonly PosteriorLike[],
  opts: HmmViterbiOptions = {},
): HmmViterbiResult {
  const fn = 'hmmViterbi';
  assertFrames(fn, model, frames);
  const beam = opts.beam ?? 20;
  if (typeof beam !== 'number' || !(beam > 0)) {
    throw new ValueError(
      `${fn}: argument 'beam' expected a number > 0 (Infinity: exact), got ${describe(beam)}`,
    );
  }
  const K = model.K;
  const T = frames.length;
  if (model.maxInDegree + 2 > 65535) {
    throw new ValueError(
      `${fn}: argument 'model' expected at most 65,533 incoming edges per class, got ${model.maxInDegree}`,
    );
  }
  if (T * K > 2 ** 31) {
    throw new ValueError(
      `${fn}: argument 'frames' expected frames × K ≤ 2^31 back-pointers, got ${T} × ${K} (decode the video in pieces)`,
    );
  }
  const codes = model.maxInDegree + 2 <= 255 ? new Uint8Array(T * K) : new Uint16Array(T * K);
  const jumpFrom = new Int32Array(T);
  const beamSize = new Int32Array(T);
  let delta = new Float64Array(K);
  let next = new Float64Array(K);
  const logE = new Float64Array(K);
  const active = new Int32Array(K);
  const { outOffsets, outTarget, logEdge, logSelf, logJump, inSlot } = model;

  logEmissionFill(frames[0], logE);
  const logPrior = -Math.log(K);
  for (let j = 0; j < K; j++) delta[j] = logPrior + logE[j];
  let nActive = selectBeam(fn, delta, beam, active, 0);
  beamSize[0] = nActive;
  for (let t = 1; t < T; t++) {
    let best = -Infinity;
    let arg = 0;
    for (let a = 0; a < nActive; a++) {
      const i = active[a];
      if (delta[i] > best) {
        best = delta[i];
        arg = i;
      }
    }
    jumpFrom[t] = arg;
    const code = codes.subarray(t * K, (t + 1) * K);
    code.fill(1);
    next.fill(best + logJump);
    for (let a = 0; a < nActive; a++) {
      const i = active[a];
      const d = delta[i];
      const cs = d + logSelf[i];
      if (cs > next[i]) {
        next[i] = cs;
        code[i] = 0;
      }
      for (let e = outOffsets[i], b = outOffsets[i + 1]; e < b; e++) {
        const j = outTarget[e];
        const c = d + logEdge[e];
        if (c > next[j]) {
          next[j] = c;
          code[j] = inSlot[e] + 2;
        }
      }
    }
    logEmissionFill(frames[t], logE);
    for (let j = 0; j < K; j++) next[j] += logE[j];
    const tmp = delta;
    delta = next;
    next = tmp;
    nActive = selectBeam(fn, delta, beam, active, t);
    beamSize[t] = nActive;
  }
  let last = active[0];
  for (let a = 1; a < nActive; a++) if (delta[active[a]] > delta[last]) last = active[a];
  const logProb = delta[last];
  const path = new Int32Array(T);
  path[T - 1] = last;
  const { inOffsets, inSource } = model;
  for (let t = T - 1; t > 0; t--) {
    const j = path[t];
    const c = codes[t * K + j];
    path[t - 1] = c === 0 ? j : c === 1 ? jumpFrom[t] : inSource[inOffsets[j] + c - 2];
  }
  return { path, logProb, beamSize };
}

/** Marks the states within `beam` of the best as active (others set to −Infinity); returns their count. */
function selectBeam(fn: string, delta: Float64Array, beam: number, active: Int32Array, t: number): number {
  let best = -Infinity;
  for (let j = 0; j < delta.length; j++) if (delta[j] > best) best = delta[j];
  if (!(best > -Infinity) || Number.isNaN(best)) {
    throw new ValueError(
      `${fn}: frame ${t}: expected some class with non-zero probability on a path from the first frame, got none (raise 'jump')`,
    );
  }
  const floor = best - beam;
  let n = 0;
  for (let j = 0; j < delta.length; j++) {
    if (delta[j] >= floor) active[n++] = j;
    else delta[j] = -Infinity;
  }
  return n;
}
