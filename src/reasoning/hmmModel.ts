/**
 * The HMM over video frames (issue 10, part 5): K states (the classes of a table), transitions only from each class
 * to itself, to its graph neighbours (`classes.classNeighbors(table, { k })`, weighted by shape distance), and a
 * small uniform jump to any class (so that a track lost during an occlusion can be found again). Every parameter is
 * explicit; the model is plain data built once per graph and shared by Viterbi, forward-backward and the filter.
 *
 * Transition from class i to class j (i ≠ j), with d_ij the RMS point distance of the edge (box units):
 *   A(i→i) = stay + jump/K,
 *   A(i→j) = (1 − stay − jump) · w_ij / Σ_j' w_ij' + jump/K   for j among i's neighbours, w_ij = exp(−d_ij² / 2s²),
 *   A(i→j) = jump/K                                           otherwise.
 * Rows sum to 1. A class without neighbours keeps the moving mass on itself (A(i→i) = 1 − jump + jump/K; warned).
 */
import type { ClassGraph } from '../classes/classNeighbors';
import { ShapeError, ValueError } from '../errors';
import { assertInRange, assertInteger, assertPositive, describe } from '../util/validate';
import type { Warnings } from '../util/warnings';

/** Options of `hmmModel`. */
export interface HmmModelOptions {
  /** Probability of staying in the same class from one frame to the next. @default 0.5 */
  stay?: number;
  /**
   * Probability of jumping to any class (uniform over all K, self and neighbours included), e.g. after a cut or a
   * lost track. 0 keeps the path on the graph. @default 1e-4
   */
  jump?: number;
  /**
   * Distance scale s of the neighbour weights exp(−d²/2s²), in box units (RMS point distance).
   * @default the median edge distance of the graph
   */
  scale?: number;
  /** Where to report classes without neighbours ('hmm-degenerate-row'). */
  warnings?: Warnings;
}

/** The transition structure of the HMM (see the module comment). Built by `hmmModel`; treat as read-only. */
export interface HmmModel {
  readonly kind: 'hmm-model';
  /** Number of states (classes). */
  readonly K: number;
  readonly stay: number;
  readonly jump: number;
  readonly scale: number;
  /** Out-edges CSR (the graph's): class i moves to `outTarget[outOffsets[i] .. outOffsets[i+1])`. */
  readonly outOffsets: Int32Array;
  readonly outTarget: Int32Array;
  /** Per out-edge: the moving part of A(i→j) (without jump/K). */
  readonly moveProb: Float64Array;
  /** Per out-edge: log A(i→j) (with jump/K). */
  readonly logEdge: Float64Array;
  /** Per class: the staying part of A(i→i) (without jump/K). */
  readonly selfProb: Float64Array;
  /** Per class: log A(i→i). */
  readonly logSelf: Float64Array;
  /** jump / K, and its log (−Infinity when jump = 0). */
  readonly jumpProb: number;
  readonly logJump: number;
  /** In-edges CSR (the transpose): class j is reached from `inSource[inOffsets[j] .. inOffsets[j+1])`. */
  readonly inOffsets: Int32Array;
  readonly inSource: Int32Array;
  /** Per out-edge: its position in its target's in-list (the Viterbi back-pointer code). */
  readonly inSlot: Int32Array;
  /** Largest in-degree. */
  readonly maxInDegree: number;
}

/**
 * Builds the HMM over the K classes from the class neighbour graph (see the module comment for A).
 * @example const hmm = hmmModel(classes.classNeighbors(table, { k: 32 }), table.K, { stay: 0.5 })
 */
export function hmmModel(graph: ClassGraph, K: number, opts: HmmModelOptions = {}): HmmModel {
  const fn = 'hmmModel';
  assertInteger(fn, 'K', K, 1);
  assertGraph(fn, graph, K);
  const stay = opts.stay ?? 0.5;
  const jump = opts.jump ?? 1e-4;
  assertInRange(fn, 'stay', stay, 0, 1);
  assertInRange(fn, 'jump', jump, 0, 1);
  if (stay + jump > 1) {
    throw new ValueError(`${fn}: arguments 'stay' + 'jump' expected ≤ 1, got ${stay} + ${jump}`);
  }
  const { offsets, indices, distances } = graph;
  const E = indices.length;
  const scale = opts.scale ?? medianDistance(distances);
  assertPositive(fn, 'scale', scale);
  const jumpProb = jump / K;
  const logJump = Math.log(jumpProb);
  const moveProb = new Float64Array(E);
  const logEdge = new Float64Array(E);
  const selfProb = new Float64Array(K);
  const logSelf = new Float64Array(K);
  const move = 1 - stay - jump;
  const inv = 1 / (2 * scale * scale);
  let degenerate = 0;
  for (let i = 0; i < K; i++) {
    const a = offsets[i];
    const b = offsets[i + 1];
    if (a === b) {
      selfProb[i] = stay + move;
      if (move > 0) degenerate++;
    } else {
      selfProb[i] = stay;
      // Weights relative to the nearest edge: exp(−(d² − d_min²)/2s²) keeps them from underflowing together.
      let dmin = Infinity;
      for (let e = a; e < b; e++) dmin = Math.min(dmin, distances[e]);
      let W = 0;
      for (let e = a; e < b; e++) {
        const w = Math.exp(-(distances[e] * distances[e] - dmin * dmin) * inv);
        moveProb[e] = w;
        W += w;
      }
      for (let e = a; e < b; e++) {
        moveProb[e] = (move * moveProb[e]) / W;
        logEdge[e] = Math.log(moveProb[e] + jumpProb);
      }
    }
    logSelf[i] = Math.log(selfProb[i] + jumpProb);
  }
  if (degenerate > 0) {
    opts.warnings?.warn(
      'hmm-degenerate-row',
      `${fn}: ${degenerate} of ${K} classes have no neighbours in the graph; they keep their moving mass (stay + move = ${stay + move})`,
    );
  }
  // The transpose, and each out-edge's slot in its target's in-list.
  const inOffsets = new Int32Array(K + 1);
  for (let e = 0; e < E; e++) inOffsets[indices[e] + 1]++;
  let maxInDegree = 0;
  for (let j = 0; j < K; j++) {
    maxInDegree = Math.max(maxInDegree, inOffsets[j + 1]);
    inOffsets[j + 1] += inOffsets[j];
  }
  const inSource = new Int32Array(E);
  const inSlot = new Int32Array(E);
  const fill = new Int32Array(K);
  for (let i = 0; i < K; i++) {
    for (let e = offsets[i]; e < offsets[i + 1]; e++) {
      const j = indices[e];
      const s = fill[j]++;
      inSource[inOffsets[j] + s] = i;
      inSlot[e] = s;
    }
  }
  return {
    kind: 'hmm-model',
    K,
    stay,
    jump,
    scale,
    outOffsets: offsets,
    outTarget: indices,
    moveProb,
    logEdge,
    selfProb,
    logSelf,
    jumpProb,
    logJump,
    inOffsets,
    inSource,
    inSlot,
    maxInDegree,
  };
}

function medianDistance(d: Float32Array): number {
  if (d.length === 0) return 1;
  const s = Float32Array.from(d).sort();
  const m = s[s.length >> 1];
  return m > 0 ? m : 1;
}

function assertGraph(fn: string, graph: ClassGraph, K: number): void {
  if (typeof graph !== 'object' || graph === null) {
    throw new ValueError(
      `${fn}: argument 'graph' expected a ClassGraph (classes.classNeighbors), got ${describe(graph)}`,
    );
  }
  const { offsets, indices, distances } = graph;
  if (!(offsets instanceof Int32Array) || offsets.length !== K + 1) {
    throw new ShapeError(
      `${fn}: argument 'graph' expected offsets as an Int32Array of length K + 1 = ${K + 1}, got ${describe(offsets)}`,
    );
  }
  if (
    !(indices instanceof Int32Array) ||
    !(distances instanceof Float32Array) ||
    indices.length !== distances.length
  ) {
    throw new ShapeError(
      `${fn}: argument 'graph' expected Int32Array indices and Float32Array distances of one length, got ${describe(indices)} and ${describe(distances)}`,
    );
  }
  if (offsets[0] !== 0 || offsets[K] !== indices.length) {
    throw new ShapeError(
      `${fn}: argument 'graph' expected offsets from 0 to ${indices.length} (the edge count), got ${offsets[0]} to ${offsets[K]}`,
    );
  }
  const mark = new Int32Array(K).fill(-1);
  for (let i = 0; i < K; i++) {
    if (offsets[i + 1] < offsets[i]) {
      throw new ShapeError(
        `${fn}: argument 'graph' expected non-decreasing offsets, got a decrease at class ${i}`,
      );
    }
    for (let e = offsets[i]; e < offsets[i + 1]; e++) {
      const j = indices[e];
      if (!(j >= 0 && j < K)) {
        throw new ValueError(
          `${fn}: argument 'graph' expected neighbours in 0..${K - 1}, got ${j} for class ${i}`,
        );
      }
      if (j === i)
        throw new ValueError(`${fn}: argument 'graph' expected no self-edges, got one at class ${i}`);
      if (mark[j] === i) {
        throw new ValueError(
          `${fn}: argument 'graph' expected distinct neighbours, got ${j} twice for class ${i}`,
        );
      }
      mark[j] = i;
      const d = distances[e];
      if (!(d >= 0) || d === Infinity) {
        throw new ValueError(
          `${fn}: argument 'graph' expected finite non-negative distances, got ${d} on edge ${i} → ${j}`,
        );
      }
    }
  }
}
