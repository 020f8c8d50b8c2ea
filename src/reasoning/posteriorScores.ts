/**
 * Whole-face uncertainty scores of a posterior: entropy over the classes, the effective number of classes, the top
 * class's probability and the expected spread of the landmarks (pixels, and as a fraction of the box diagonal). Any of
 * them can rank faces by confidence (risk-coverage, rejecting the least confident).
 */
import type { Box } from '../types';
import { momentsOf } from './landmarkMoments';
import type { PosteriorLike, ReasoningTable } from './posterior';
import { prepare, prepareBox } from './support';

/** What `posteriorScores` returns. */
export interface PosteriorScores {
  /** −Σ p_k ln p_k over the support (nats; a sparse posterior's kept classes renormalised). */
  entropy: number;
  /** exp(entropy): how many equally likely classes would be as uncertain. */
  effectiveClasses: number;
  /** Probability of the most probable class. */
  topProbability: number;
  /** RMS over landmarks of each landmark's spread, sqrt(mean_j tr Cov_j), in pixels. */
  spread: number;
  /** `spread` divided by the box diagonal. */
  spreadNormalized: number;
  /** Mass of the full posterior left out (the sparse posterior's ε). */
  epsilon: number;
}

/**
 * Entropy, effective number of classes, top probability and expected spread of a face's posterior.
 * @example const { entropy, spread } = posteriorScores(sp, table, box)
 */
export function posteriorScores(posterior: PosteriorLike, table: ReasoningTable, box: Box): PosteriorScores {
  const fn = 'posteriorScores';
  const s = prepare(fn, posterior, table);
  const f = prepareBox(fn, box);
  let entropy = 0;
  let top = 0;
  for (let i = 0; i < s.weights.length; i++) {
    const w = s.weights[i];
    if (w > 0) entropy -= w * Math.log(w);
    if (w > top) top = w;
  }
  entropy = Math.max(0, entropy);
  const { cov } = momentsOf(s, table, f);
  const N = table.nPoints;
  let tr = 0;
  for (let j = 0; j < N; j++) tr += cov[3 * j] + cov[3 * j + 2];
  const spread = Math.sqrt(tr / N);
  return {
    entropy,
    effectiveClasses: Math.exp(entropy),
    topProbability: top,
    spread,
    spreadNormalized: spread / Math.hypot(box.width, box.height),
    epsilon: s.epsilon,
  };
}
