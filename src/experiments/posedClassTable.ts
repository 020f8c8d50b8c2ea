/**
 * A realistic stand-in class table of any size (for benchmarks and demonstrations of posterior reasoning at
 * K = 140,000, where a trained table is out of reach here): each class is the iBUG-68 3D template with random identity
 * jitter, projected at a random head pose, normalised to its bounding box (box coordinates, as trained tables are);
 * its pose attribute is that pose, its sigma random in a range, and the jaw points on the side turned away from the
 * camera become invisible as yaw passes 40° (a rough self-occlusion rule).
 */
import type { ClassTable } from '../classes/types';
import { shapeBox } from '../landmarks/box';
import { ibug68 } from '../landmarks/scheme';
import { projectWeakPerspective } from '../landmarks/pose';
import { template3d } from '../landmarks/template';
import { Rng } from '../util/rng';
import { assertInteger } from '../util/validate';

/** Options of `posedClassTable`. */
export interface PosedClassTableOptions {
  /** Seed. @default 0 */
  seed?: number;
  /** Yaw range (uniform), degrees. @default [-90, 90] */
  yaw?: readonly [number, number];
  /** Pitch and roll are uniform in ± this, degrees. @default 25 */
  tilt?: number;
  /** Identity jitter: sd of each 3D point, millimetres. @default 2 */
  jitter?: number;
  /** sigma_k uniform in this range (RMS point distance, box units). @default [0.01, 0.04] */
  sigma?: readonly [number, number];
}

/**
 * A K-class table of projected template faces at random poses (see the module comment).
 * @example const table = posedClassTable(140000, { seed: 1 })
 */
export function posedClassTable(K: number, opts: PosedClassTableOptions = {}): ClassTable {
  assertInteger('posedClassTable', 'K', K, 1, 1e7);
  const rng = new Rng(opts.seed ?? 0);
  const [y0, y1] = opts.yaw ?? [-90, 90];
  const tilt = opts.tilt ?? 25;
  const jitter = opts.jitter ?? 2;
  const [s0, s1] = opts.sigma ?? [0.01, 0.04];
  const base = template3d();
  const N = ibug68.nPoints;
  const D = 2 * N;
  const centers = new Float32Array(K * D);
  const sigma = new Float32Array(K);
  const pose = new Float32Array(3 * K);
  const visibility = new Float32Array(K * N).fill(1);
  const pts = new Float32Array(base.length);
  const jaw = new Set(ibug68.groups.jaw);
  for (let k = 0; k < K; k++) {
    for (let i = 0; i < pts.length; i++) pts[i] = base[i] + rng.normal(0, jitter);
    const p = { yaw: rng.uniform(y0, y1), pitch: rng.uniform(-tilt, tilt), roll: rng.uniform(-tilt, tilt) };
    const s = projectWeakPerspective(pts, p, 1, 0, 0);
    const b = shapeBox(s);
    for (let d = 0; d < D; d += 2) {
      centers[k * D + d] = (s[d] - b.x) / b.width;
      centers[k * D + d + 1] = (s[d + 1] - b.y) / b.height;
    }
    sigma[k] = rng.uniform(s0, s1);
    pose.set([p.yaw, p.pitch, p.roll], 3 * k);
    const hide = Math.min(1, Math.max(0, (Math.abs(p.yaw) - 40) / 50));
    for (let j = 0; j < N; j++) {
      // positive yaw turns the face's image-right side (template x > 0) away from the camera
      if (jaw.has(j) && base[3 * j] * Math.sign(p.yaw) > 0) visibility[k * N + j] = 1 - hide;
    }
  }
  return {
    kind: 'exemplar-landmarks/class-table',
    method: 'exemplar',
    K,
    nPoints: N,
    scheme: ibug68.name,
    centers,
    sigma,
    pose,
    visibility,
    memberOffsets: Int32Array.from({ length: K + 1 }, (_, k) => k),
    memberIds: Array.from({ length: K }, (_, k) => `posed/${k}`),
  };
}
