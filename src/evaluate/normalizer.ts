/**
 * The normalising distances of the 300-W / 300-VW protocols, measured on the ground truth:
 * - 'bbox-diagonal' (300-VW, and the 300-W 2016 re-evaluation): the diagonal of the landmarks' bounding box;
 * - 'inter-ocular' (300-W): the distance between the outer eye corners (`scheme.eyeCorners`);
 * - 'inter-pupil': the distance between the pupils, each the mean of its eye's points (`scheme.pupils`).
 */
import { ValueError } from '../errors';
import { shapeBox } from '../landmarks/box';
import { type LandmarkScheme, schemeFor } from '../landmarks/scheme';
import { assertOneOf } from '../util/validate';

/**
 * What a landmark error is divided by: the ground-truth box's diagonal (300-VW), the outer eye corners' distance
 * (300-W) or the pupils' distance.
 */
export type Normalization = 'bbox-diagonal' | 'inter-ocular' | 'inter-pupil';
/** Every `Normalization`. */
export const NORMALIZATIONS: readonly Normalization[] = ['bbox-diagonal', 'inter-ocular', 'inter-pupil'];

/**
 * A function giving the normalising distance of ground-truth shape `m` in a packed array (row length 2N),
 * after checking that `scheme` supports the normalisation. Internal to `evaluate/`.
 */
export function normalizerFor(
  fn: string,
  normalization: unknown,
  nPoints: number,
  scheme?: LandmarkScheme,
): (gt: Float32Array, m: number) => number {
  assertOneOf(fn, 'normalization', normalization, NORMALIZATIONS);
  const s = scheme ?? schemeFor(nPoints);
  if (s.nPoints !== nPoints) {
    throw new ValueError(
      `${fn}: argument 'scheme' expected a scheme of ${nPoints} points, got ${s.name} with ${s.nPoints}`,
    );
  }
  const dim = 2 * nPoints;
  if (normalization === 'bbox-diagonal') {
    return (gt, m) => {
      const b = shapeBox(gt.subarray(m * dim, (m + 1) * dim));
      return Math.hypot(b.width, b.height);
    };
  }
  if (normalization === 'inter-ocular') {
    if (s.eyeCorners === undefined) {
      throw new ValueError(
        `${fn}: normalization 'inter-ocular' needs a scheme with eye corners, got ${s.name}`,
      );
    }
    const a = s.eyeCorners.right[0];
    const b = s.eyeCorners.left[0];
    return (gt, m) =>
      Math.hypot(
        gt[m * dim + 2 * a] - gt[m * dim + 2 * b],
        gt[m * dim + 2 * a + 1] - gt[m * dim + 2 * b + 1],
      );
  }
  if (s.pupils === undefined) {
    throw new ValueError(`${fn}: normalization 'inter-pupil' needs a scheme with pupils, got ${s.name}`);
  }
  const right = s.pupils.right;
  const left = s.pupils.left;
  const mean = (gt: ArrayLike<number>, m: number, idx: readonly number[], c: number): number => {
    let v = 0;
    for (const i of idx) v += gt[m * dim + 2 * i + c];
    return v / idx.length;
  };
  return (gt, m) =>
    Math.hypot(mean(gt, m, right, 0) - mean(gt, m, left, 0), mean(gt, m, right, 1) - mean(gt, m, left, 1));
}
