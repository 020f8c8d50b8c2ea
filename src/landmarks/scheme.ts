/**
 * Landmark schemes as data: named index groups, connections for drawing, the left-right mirror
 * permutation and the points that define eyes, pupils and nose tip. No other module uses raw indices.
 */
import { ValueError } from '../errors';
import { assertInteger } from '../util/validate';

export interface LandmarkScheme {
  /** e.g. 'ibug68' */
  readonly name: string;
  readonly nPoints: number;
  /** Named index lists, e.g. jaw, rightBrow, leftBrow, noseBridge, noseLower, rightEye, leftEye, outerLips, innerLips. */
  readonly groups: Readonly<Record<string, readonly number[]>>;
  /** Pairs of point indices to join with a line when drawing. */
  readonly connections: ReadonlyArray<readonly [number, number]>;
  /**
   * Left-right mirror permutation: after flipping x, point i of the flipped shape is point `mirror[i]` of
   * the original. `null` when the scheme does not know its symmetry (flipping is then refused).
   */
  readonly mirror: Int32Array | null;
  /** Eye corners (subject's right and left eye, outer then inner), when the scheme has eyes. */
  readonly eyeCorners?: {
    readonly right: readonly [number, number];
    readonly left: readonly [number, number];
  };
  /** Points averaged to give each pupil, when the scheme has eyes. */
  readonly pupils?: { readonly right: readonly number[]; readonly left: readonly number[] };
  /** Index of the nose tip, when there is one. */
  readonly noseTip?: number;
  /**
   * The inner points of the 300-W / 300-VW 49-point evaluation, when the scheme has them: every point but the
   * jaw and the two inner-lip corners (iBUG-68: 49 points).
   */
  readonly innerPoints?: readonly number[];
}

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

function chain(idx: readonly number[], closed: boolean): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i + 1 < idx.length; i++) out.push([idx[i], idx[i + 1]]);
  if (closed && idx.length > 2) out.push([idx[idx.length - 1], idx[0]]);
  return out;
}

function mirrorFromPairs(n: number, pairs: ReadonlyArray<readonly [number, number]>): Int32Array {
  const m = Int32Array.from({ length: n }, (_, i) => i);
  for (const [a, b] of pairs) {
    m[a] = b;
    m[b] = a;
  }
  return m;
}

const IBUG_GROUPS = {
  jaw: range(0, 16),
  /** The subject's right brow (on the image's left in a frontal face). */
  rightBrow: range(17, 21),
  leftBrow: range(22, 26),
  noseBridge: range(27, 30),
  noseLower: range(31, 35),
  /** The subject's right eye (on the image's left in a frontal face). */
  rightEye: range(36, 41),
  leftEye: range(42, 47),
  outerLips: range(48, 59),
  innerLips: range(60, 67),
} as const;

const IBUG_MIRROR_PAIRS: Array<[number, number]> = [
  ...range(0, 7).map((i): [number, number] => [i, 16 - i]),
  ...range(17, 21).map((i): [number, number] => [i, 43 - i]),
  [31, 35],
  [32, 34],
  [36, 45],
  [37, 44],
  [38, 43],
  [39, 42],
  [40, 47],
  [41, 46],
  [48, 54],
  [49, 53],
  [50, 52],
  [55, 59],
  [56, 58],
  [60, 64],
  [61, 63],
  [65, 67],
];

/** The iBUG / 300-W 68-point scheme (0-based indices). */
const IBUG68: LandmarkScheme = {
  name: 'ibug68',
  nPoints: 68,
  groups: IBUG_GROUPS,
  connections: [
    ...chain(IBUG_GROUPS.jaw, false),
    ...chain(IBUG_GROUPS.rightBrow, false),
    ...chain(IBUG_GROUPS.leftBrow, false),
    ...chain(IBUG_GROUPS.noseBridge, false),
    ...chain(IBUG_GROUPS.noseLower, false),
    [30, 33] as [number, number],
    ...chain(IBUG_GROUPS.rightEye, true),
    ...chain(IBUG_GROUPS.leftEye, true),
    ...chain(IBUG_GROUPS.outerLips, true),
    ...chain(IBUG_GROUPS.innerLips, true),
  ],
  mirror: mirrorFromPairs(68, IBUG_MIRROR_PAIRS),
  eyeCorners: { right: [36, 39], left: [45, 42] },
  pupils: { right: IBUG_GROUPS.rightEye, left: IBUG_GROUPS.leftEye },
  noseTip: 30,
  innerPoints: Object.freeze(
    range(17, 67).filter((i) => i !== IBUG_GROUPS.innerLips[0] && i !== IBUG_GROUPS.innerLips[4]),
  ),
};
export const ibug68: LandmarkScheme = Object.freeze(IBUG68);

/**
 * A scheme for any point count with no known semantics: one group 'all', no connections, and a mirror
 * permutation only when given.
 */
export function genericScheme(nPoints: number, mirror?: ArrayLike<number>): LandmarkScheme {
  assertInteger('genericScheme', 'nPoints', nPoints, 1);
  let m: Int32Array | null = null;
  if (mirror !== undefined) {
    if (mirror.length !== nPoints) {
      throw new ValueError(
        `genericScheme: argument 'mirror' expected length ${nPoints}, got length ${mirror.length}`,
      );
    }
    m = Int32Array.from(mirror);
    for (let i = 0; i < nPoints; i++) {
      if (!(m[i] >= 0 && m[i] < nPoints) || m[m[i]] !== i) {
        throw new ValueError(
          `genericScheme: argument 'mirror' is not an involution at index ${i} (got ${m[i]})`,
        );
      }
    }
  }
  return Object.freeze({
    name: `generic${nPoints}`,
    nPoints,
    groups: { all: range(0, nPoints - 1) },
    connections: [],
    mirror: m,
  });
}

/** The scheme for a point count: ibug68 for 68, otherwise generic. */
export function schemeFor(nPoints: number): LandmarkScheme {
  return nPoints === 68 ? ibug68 : genericScheme(nPoints);
}
