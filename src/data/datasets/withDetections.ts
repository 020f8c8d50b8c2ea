/** `withDetections`: detection boxes for every item, simulated (jittered ground truth) or from a detector. */
import { ShapeError, ValueError } from '../../errors';
import { boxValidate } from '../../landmarks';
import type { Box } from '../../types';
import { assertFiniteNumber, assertInteger, describe } from '../../util';
import type { Dataset, SampleInfo } from './dataset';
import { itemRng } from './itemRng';
import { assertDataset, ViewDataset } from './viewDataset';

/** Jitter of the simulated detector, as standard deviations. */
export interface DetectionJitter {
  /** Centre shift per axis, as a fraction of the box's width (x) and height (y). @default 0.05 */
  centre?: number;
  /** Log-scale change of the box size (same for width and height). @default 0.05 */
  scale?: number;
  /** Mean size factor (detectors' boxes are often larger than the landmarks' box). @default 1 */
  enlarge?: number;
  /** Log change of the aspect ratio width / height (sd; 0 keeps the box's aspect). @default 0 */
  aspect?: number;
  /** Mean factor on width / height (e.g. 1.06: face-api Tiny's boxes are relatively wider). @default 1 */
  widen?: number;
}

/** Options of {@link withDetections}: a simulated detector (`jitter`, `seed`) or given `boxes`. */
export interface WithDetectionsOptions {
  /** Simulated detector: the ground-truth box jittered in centre and scale. @default {} (the defaults above) when `boxes` is absent */
  jitter?: DetectionJitter;
  /** Seed of the per-item jitter (item i always gets the same box). @default 0 */
  seed?: number;
  /** One box per item from a real detector (e.g. `await detect.detectDataset(ds)`); undefined leaves `detection` unset. */
  boxes?: ArrayLike<Box | undefined>;
}

/** The simulated detection of item `i` (see {@link DetectionJitter}). */
export function jitterBox(box: Box, jitter: Required<DetectionJitter>, seed: number, i: number): Box {
  const rng = itemRng(seed, i);
  const cx = box.x + box.width / 2 + rng.normal(0, jitter.centre) * box.width;
  const cy = box.y + box.height / 2 + rng.normal(0, jitter.centre) * box.height;
  const f = jitter.enlarge * Math.exp(rng.normal(0, jitter.scale));
  // the aspect draw comes last (and only when asked for), so boxes drawn without it are unchanged
  const a = Math.sqrt(jitter.widen * (jitter.aspect > 0 ? Math.exp(rng.normal(0, jitter.aspect)) : 1));
  const w = box.width * f * a;
  const h = (box.height * f) / a;
  return { x: cx - w / 2, y: cy - h / 2, width: w, height: h };
}

/**
 * Sets `detection` on every item: from `boxes` (a real detector's output, one per item) or by jittering the
 * ground-truth box (a simulated detector, seeded per item).
 * @example const withDet = datasets.withDetections(ds, { jitter: { centre: 0.05, scale: 0.1 }, seed: 3 })
 */
export function withDetections(ds: Dataset, opts: WithDetectionsOptions = {}): Dataset {
  assertDataset('withDetections', 'ds', ds);
  if (opts.boxes !== undefined && opts.jitter !== undefined) {
    throw new ValueError(`withDetections: argument 'opts' expected jitter or boxes, not both`);
  }
  let detectionOf: (info: SampleInfo, i: number) => Box | undefined;
  let label: string;
  if (opts.boxes !== undefined) {
    const boxes = opts.boxes;
    if (boxes === null || typeof boxes !== 'object' || typeof boxes.length !== 'number') {
      throw new ValueError(
        `withDetections: argument 'opts.boxes' expected an array of boxes, got ${describe(boxes)}`,
      );
    }
    if (boxes.length !== ds.size) {
      throw new ShapeError(
        `withDetections: argument 'opts.boxes' expected ${ds.size} entries (one per item), got ${boxes.length}`,
      );
    }
    for (let i = 0; i < boxes.length; i++) {
      if (boxes[i] !== undefined) boxValidate('withDetections', `opts.boxes[${i}]`, boxes[i]);
    }
    detectionOf = (_info, i) => boxes[i];
    label = 'boxes';
  } else {
    const j = opts.jitter ?? {};
    const jitter: Required<DetectionJitter> = {
      centre: j.centre ?? 0.05,
      scale: j.scale ?? 0.05,
      enlarge: j.enlarge ?? 1,
      aspect: j.aspect ?? 0,
      widen: j.widen ?? 1,
    };
    assertFiniteNumber('withDetections', 'opts.jitter.centre', jitter.centre);
    assertFiniteNumber('withDetections', 'opts.jitter.scale', jitter.scale);
    const positive = (v: number): boolean => v > 0 && Number.isFinite(v);
    if (
      jitter.centre < 0 ||
      jitter.scale < 0 ||
      !(jitter.aspect >= 0 && Number.isFinite(jitter.aspect)) ||
      !positive(jitter.enlarge) ||
      !positive(jitter.widen)
    ) {
      throw new ValueError(
        `withDetections: argument 'opts.jitter' expected centre >= 0, scale >= 0, aspect >= 0, enlarge > 0, widen > 0, got ${JSON.stringify(j)}`,
      );
    }
    const seed = opts.seed ?? 0;
    assertInteger('withDetections', 'opts.seed', seed, 0, 2 ** 53);
    detectionOf = (info, i) => jitterBox(info.box, jitter, seed, i);
    label = `jitter centre=${jitter.centre} scale=${jitter.scale} enlarge=${jitter.enlarge}${jitter.aspect > 0 || jitter.widen !== 1 ? ` aspect=${jitter.aspect} widen=${jitter.widen}` : ''}, seed=${seed}`;
  }
  const set = <T extends SampleInfo>(x: T, i: number): T => {
    const d = detectionOf(x, i);
    if (d === undefined) {
      const { detection: _drop, ...rest } = x;
      return rest as T;
    }
    return { ...x, detection: { ...d } };
  };
  return new ViewDataset(
    `withDetections(${ds.source}, ${label})`,
    ds.size,
    (i) => ({ parent: ds, index: i }),
    [ds],
    {
      info: set,
      sample: (s, i) => set(s as SampleInfo & typeof s, i),
    },
  );
}
