/**
 * The explicit map from the landmark groups of menpo3d's `james.ljson` (chin, leye, reye, leyebrow, nose,
 * reyebrow, mouth) to the groups of the iBUG-68 scheme. In the scan's frame x points to the image's right
 * when the face is seen from the front, so the ljson's "l" (image-left) eye and brow are the subject's right
 * ones (iBUG `rightEye`, `rightBrow`). Point order inside each group already follows iBUG (checked in
 * test/synth-face.test.ts: mirror symmetry and eye corners).
 */
import { ibug68 } from '../../landmarks/scheme';

/** For each iBUG group: the ljson label and the slice of that label's points, in order. */
export const JAMES_GROUPS: ReadonlyArray<{
  ibug: keyof typeof ibug68.groups & string;
  label: string;
  from: number;
  to: number;
}> = [
  { ibug: 'jaw', label: 'chin', from: 0, to: 17 },
  { ibug: 'rightBrow', label: 'leyebrow', from: 0, to: 5 },
  { ibug: 'leftBrow', label: 'reyebrow', from: 0, to: 5 },
  { ibug: 'noseBridge', label: 'nose', from: 0, to: 4 },
  { ibug: 'noseLower', label: 'nose', from: 4, to: 9 },
  { ibug: 'rightEye', label: 'leye', from: 0, to: 6 },
  { ibug: 'leftEye', label: 'reye', from: 0, to: 6 },
  { ibug: 'outerLips', label: 'mouth', from: 0, to: 12 },
  { ibug: 'innerLips', label: 'mouth', from: 12, to: 20 },
];

/**
 * `perm[i]` = the ljson point index of iBUG point i, given the ljson's labels (each with its mask of point
 * indices). Throws when a label is missing or a group has the wrong size.
 */
export function jamesToIbug(labels: ReadonlyArray<{ label: string; mask: readonly number[] }>): Int32Array {
  const perm = new Int32Array(ibug68.nPoints).fill(-1);
  for (const g of JAMES_GROUPS) {
    const lab = labels.find((l) => l.label === g.label);
    if (lab === undefined) throw new Error(`jamesToIbug: ljson has no label '${g.label}'`);
    const src = lab.mask.slice(g.from, g.to);
    const dst = ibug68.groups[g.ibug];
    if (src.length !== dst.length) {
      throw new Error(`jamesToIbug: group ${g.ibug} expects ${dst.length} points, ljson gives ${src.length}`);
    }
    for (let k = 0; k < dst.length; k++) perm[dst[k]] = src[k];
  }
  for (let i = 0; i < perm.length; i++) {
    if (perm[i] < 0) throw new Error(`jamesToIbug: iBUG point ${i} is not mapped`);
  }
  return perm;
}
