/** `flipAugment`: left-right flip augmentation with the landmark scheme's mirror permutation. */
import { ValueError } from '../../errors';
import { type LandmarkScheme, schemeFor, shapeBox, shapeFlip } from '../../landmarks';
import type { Box, Sample } from '../../types';
import { assertInRange, assertInteger, assertOneOf } from '../../util';
import type { Dataset, SampleInfo } from './dataset';
import { itemRng } from './itemRng';
import { rasterFlip } from './rasterFlip';
import { assertDataset, ViewDataset } from './viewDataset';

/** Options of {@link flipAugment}. */
export interface FlipAugmentOptions {
  /**
   * 'random': each item flipped with `probability` (decided per item from the seed, so `get(i)` is stable);
   * 'all': every item flipped; 'append': the originals followed by a flipped copy of each (twice the size,
   * copies' ids end in '#flip' and keep their group, so a split never separates a face from its mirror image).
   * @default 'random'
   */
  mode?: 'random' | 'all' | 'append';
  /** Probability of a flip in 'random' mode. @default 0.5 */
  probability?: number;
  /** Seed of the per-item draws. @default 0 */
  seed?: number;
  /** Scheme whose mirror permutation relabels the points. @default schemeFor(number of points) (iBUG-68 for 68) */
  scheme?: LandmarkScheme;
}

function permute(a: Uint8Array, mirror: Int32Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[mirror[i]];
  return out;
}

function flipBox(b: Box, width: number): Box {
  return { x: width - 1 - b.x - b.width, y: b.y, width: b.width, height: b.height };
}

/** Flips everything of a sample's info that lives in image coordinates or depends on left and right. */
export function infoFlip(info: SampleInfo, width: number, scheme?: LandmarkScheme): SampleInfo {
  const sch = scheme ?? schemeFor(info.landmarks.length >> 1);
  const landmarks = shapeFlip(info.landmarks, width, sch);
  const mirror = sch.mirror as Int32Array; // shapeFlip refused schemes without one
  const out: SampleInfo = {
    ...info,
    landmarks,
    box: shapeBox(landmarks),
    meta: { ...info.meta, flipped: true },
  };
  if (info.detection !== undefined) out.detection = flipBox(info.detection, width);
  if (info.visibility !== undefined) out.visibility = permute(info.visibility, mirror);
  if (info.occlusion !== undefined) out.occlusion = permute(info.occlusion, mirror);
  if (info.pose !== undefined)
    out.pose = { yaw: -info.pose.yaw, pitch: info.pose.pitch, roll: -info.pose.roll };
  return out;
}

/** Flips a whole sample: image, landmarks (with the mirror permutation), boxes, visibility, occlusion and pose. */
export function sampleFlip(s: Sample, scheme?: LandmarkScheme): Sample {
  const { image, ...rest } = s;
  const info = infoFlip(rest, image.width, scheme);
  const { imageSize: _unused, ...fields } = info;
  return { ...fields, image: rasterFlip(image) };
}

/**
 * Left-right flip augmentation (see {@link FlipAugmentOptions.mode}). Flipped items are flipped when asked
 * for; their `info(i)` needs the image width, taken from `imageSize` or, when the source does not know it,
 * by decoding the image once (then remembered).
 * @example const aug = datasets.flipAugment(train, { mode: 'append' })
 */
export function flipAugment(ds: Dataset, opts: FlipAugmentOptions = {}): Dataset {
  assertDataset('flipAugment', 'ds', ds);
  const mode = opts.mode ?? 'random';
  assertOneOf('flipAugment', 'opts.mode', mode, ['random', 'all', 'append'] as const);
  const probability = opts.probability ?? 0.5;
  assertInRange('flipAugment', 'opts.probability', probability, 0, 1);
  const seed = opts.seed ?? 0;
  assertInteger('flipAugment', 'opts.seed', seed, 0, 2 ** 53);
  if (opts.scheme !== undefined && (opts.scheme === null || typeof opts.scheme !== 'object')) {
    throw new ValueError(
      `flipAugment: argument 'opts.scheme' expected a LandmarkScheme, got ${String(opts.scheme)}`,
    );
  }
  const n = ds.size;
  const size = mode === 'append' ? 2 * n : n;
  const flipped = (i: number): boolean =>
    mode === 'all' || (mode === 'append' ? i >= n : itemRng(seed, i).next() < probability);
  const widths = new Map<number, number>();
  const widthOf = (info: SampleInfo, index: number): number => {
    if (info.imageSize !== undefined) return info.imageSize.width;
    let w = widths.get(index);
    if (w === undefined) {
      w = ds.get(index).image.width;
      widths.set(index, w);
    }
    return w;
  };
  const rename = <T extends { id: string }>(x: T, i: number): T =>
    mode === 'append' && i >= n ? { ...x, id: `${x.id}#flip` } : x;
  const label = mode === 'random' ? `p=${probability}, seed=${seed}` : mode;
  return new ViewDataset(
    `flipAugment(${ds.source}, ${label})`,
    size,
    (i) => ({ parent: ds, index: mode === 'append' && i >= n ? i - n : i }),
    [ds],
    {
      info: (info, i) => (flipped(i) ? rename(infoFlip(info, widthOf(info, i % n), opts.scheme), i) : info),
      sample: (s, i) => (flipped(i) ? rename(sampleFlip(s, opts.scheme), i) : s),
      id: (id, i) => (mode === 'append' && i >= n ? `${id}#flip` : id),
    },
  );
}
