/**
 * Visibility per landmark, transferred from the classes' visibility attribute: P(landmark j visible) =
 * Σ_k p_k v_kj, where v_kj is the fraction of class k's members in which j is visible; 1 − that is the probability
 * that the point is hidden (self-occluded at profile, or behind an occluder when the data marks those).
 */
import type { PosteriorLike, ReasoningTable } from './posterior';
import { prepare } from './support';

/**
 * The probability that each landmark is visible (N values in [0, 1]).
 * @example const hidden = Array.from(landmarkVisibility(sp, table), (v) => 1 - v)
 */
export function landmarkVisibility(posterior: PosteriorLike, table: ReasoningTable): Float64Array {
  const s = prepare('landmarkVisibility', posterior, table);
  const N = table.nPoints;
  const out = new Float64Array(N);
  for (let i = 0; i < s.indices.length; i++) {
    const w = s.weights[i];
    const o = s.indices[i] * N;
    for (let j = 0; j < N; j++) out[j] += w * table.visibility[o + j];
  }
  for (let j = 0; j < N; j++) out[j] = Math.min(1, Math.max(0, out[j]));
  return out;
}
