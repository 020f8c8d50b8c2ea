/**
 * Options of `faces()` and `video()`, the presets, and their validation (once, at the boundary). Defaults
 * live in one place: PRESETS, merged under the caller's options by resolveOptions.
 */
import { ShapeError, ValueError } from '../../errors';
import type { HeadPose } from '../../types';
import { assertInRange, assertInteger, assertOneOf, describe } from '../../util/validate';

/** Presets: 'default' (≈ 300-W), 'easy' (≈ 300-VW category 1), 'hard' (≈ category 3). */
export const PRESET_NAMES = ['default', 'easy', 'hard'] as const;
/** A preset's name. */
export type PresetName = (typeof PRESET_NAMES)[number];

/**
 * Pose distributions: 'frontal' (300-W-like: most faces within ±30° yaw, a tail to ±90°), 'near-frontal'
 * (|yaw| ≤ 30°, |pitch|, |roll| ≤ 15°), 'uniform' (yaw [−90, 90], pitch [−40, 40], roll [−45, 45]).
 */
export const POSE_DISTRIBUTIONS = ['frontal', 'near-frontal', 'uniform'] as const;
/** A pose distribution's name. */
export type PoseDistribution = (typeof POSE_DISTRIBUTIONS)[number];

/** Kinds of occluder drawn over a face. */
export const OCCLUDER_KINDS = ['bar', 'disc', 'hand', 'sunglasses'] as const;
/** An occluder kind. */
export type OccluderKind = (typeof OCCLUDER_KINDS)[number];

/** Backgrounds behind the face: procedural clutter, a plain colour, or noise. */
export const BACKGROUNDS = ['clutter', 'plain', 'noise'] as const;
/** A background kind. */
export type BackgroundKind = (typeof BACKGROUNDS)[number];

/** Jaw landmarks: '3d' (projected jaw points; hidden ones flagged) or 'contour' (the visible outline, as 300-W). */
export const JAW_MODES = ['3d', 'contour'] as const;
/** A jaw mode. */
export type JawMode = (typeof JAW_MODES)[number];

/** Limits of the pose parameters (degrees). */
export const POSE_LIMITS = { yaw: 90, pitch: 40, roll: 45 } as const;

/** Options shared by faces() and video(). Every probability is in [0, 1]. */
export interface SynthOptions {
  /** Seed of the whole stream: sample i depends only on (seed, i). @default 0 */
  seed?: number;
  /** Output size in pixels: a number (square) or [width, height], each 8..4096. @default 64 */
  size?: number | readonly [number, number];
  /** 1 = grayscale, 3 = RGB. @default 1 */
  channels?: 1 | 3;
  /** 'default', 'easy' (300-VW category 1-like) or 'hard' (category 3-like). @default 'default' */
  preset?: PresetName;
  /** A distribution name or a fixed pose (degrees, within the limits). @default 'frontal' ('near-frontal' for easy, 'uniform' for hard) */
  pose?: PoseDistribution | HeadPose;
  /** Probability that a face gets an occluder. @default 0.2 (easy 0, hard 0.6) */
  occlusion?: number;
  /** Probability that an occluder hides the whole face. @default 0.05 (hard 0.1) */
  fullOcclusion?: number;
  /** Occluder kinds to draw from. @default all: bar, disc, hand, sunglasses */
  occluders?: readonly OccluderKind[];
  /** Simulated detector: σ of the detection box's shift and log-scale, as a fraction of its size, in [0, 0.5]. @default 0.05 (hard 0.1) */
  detectorJitter?: number;
  /** Scale of identity variation in [0, 2]; 0 renders the scan's own face. @default 1 */
  identity?: number;
  /** Number of distinct identities (the `group` of a sample), 1..1e6. @default 500 */
  identities?: number;
  /** Scale of expression variation in [0, 2]; 0 = neutral. @default 1 (easy 0.5, hard 1.5) */
  expression?: number;
  /** Probability of extreme lighting (strong side light, little ambient). @default 0.1 (easy 0, hard 0.5) */
  extremeLight?: number;
  /** Background: cluttered shapes, a plain colour or noise. @default 'clutter' */
  background?: BackgroundKind;
  /** Probability of Gaussian blur. @default 0.2 */
  blur?: number;
  /** Probability of motion blur. @default 0.1 */
  motionBlur?: number;
  /** Probability of sensor noise. @default 0.3 */
  noise?: number;
  /** Probability of JPEG artefacts (quality 10..60). @default 0.3 */
  jpeg?: number;
  /** Probability of rendering at low resolution and upscaling. @default 0.1 */
  lowRes?: number;
  /** Range of the landmark box's longer side as a fraction of the image's shorter side, within (0, 1.5]. @default [0.45, 0.6] */
  faceSize?: readonly [number, number];
  /**
   * Jaw landmarks: '3d' = the projected 3D jaw points (hidden ones flagged invisible); 'contour' = hidden ones
   * slid to the face's visible outline, as 300-W and 300W-LP annotate the jaw. @default '3d'
   */
  jaw?: JawMode;
  /** Range of the camera distance in mm (≥ 250: strong perspective near 300, weak beyond 1500). @default [350, 1500] */
  distance?: readonly [number, number];
}

/** Options of faces(). */
export interface FacesOptions extends SynthOptions {
  /** Number of faces, 0..1e9. @default 100 */
  n?: number;
}

/** Options of video(). */
export interface VideoOptions extends SynthOptions {
  /** Number of frames, 1..1e6. @default 100 */
  frames?: number;
  /** Whether an occluder passes over the face (fully hiding it for some frames). @default true */
  passingOccluder?: boolean;
}

/** Every option set. */
export type Resolved = Required<Omit<SynthOptions, 'size'>> & { width: number; height: number };

const BASE: Omit<Resolved, 'seed' | 'width' | 'height' | 'channels' | 'preset'> = {
  pose: 'frontal',
  occlusion: 0.2,
  fullOcclusion: 0.05,
  occluders: OCCLUDER_KINDS,
  detectorJitter: 0.05,
  identity: 1,
  identities: 500,
  expression: 1,
  extremeLight: 0.1,
  background: 'clutter',
  blur: 0.2,
  motionBlur: 0.1,
  noise: 0.3,
  jpeg: 0.3,
  lowRes: 0.1,
  faceSize: [0.45, 0.6],
  distance: [350, 1500],
  jaw: '3d',
};

/** Preset values, applied over BASE and under the caller's options. */
export const PRESETS: Record<PresetName, Partial<typeof BASE>> = {
  default: {},
  easy: {
    pose: 'near-frontal',
    occlusion: 0,
    expression: 0.5,
    extremeLight: 0,
    blur: 0.1,
    motionBlur: 0,
    noise: 0.2,
    jpeg: 0.2,
    lowRes: 0,
  },
  hard: {
    pose: 'uniform',
    occlusion: 0.6,
    fullOcclusion: 0.1,
    detectorJitter: 0.1,
    expression: 1.5,
    extremeLight: 0.5,
    blur: 0.4,
    motionBlur: 0.3,
    noise: 0.5,
    jpeg: 0.5,
    lowRes: 0.3,
  },
};

const PROBABILITIES = [
  'occlusion',
  'fullOcclusion',
  'extremeLight',
  'blur',
  'motionBlur',
  'noise',
  'jpeg',
  'lowRes',
] as const;

function assertRange(fn: string, name: string, v: unknown, lo: number, hi: number): void {
  if (!Array.isArray(v) || v.length !== 2) {
    throw new ShapeError(`${fn}: argument '${name}' expected a range [lo, hi], got ${describe(v)}`);
  }
  assertInRange(fn, `${name}[0]`, v[0], lo, hi);
  assertInRange(fn, `${name}[1]`, v[1], lo, hi);
  if (v[0] > v[1]) throw new ValueError(`${fn}: argument '${name}' expected lo ≤ hi, got [${v[0]}, ${v[1]}]`);
}

/** Validates the caller's options and merges them over the preset and the base defaults. */
export function resolveOptions(fn: string, opts: SynthOptions): Resolved {
  if (typeof opts !== 'object' || opts === null) {
    throw new ValueError(`${fn}: argument 'options' expected an object, got ${describe(opts)}`);
  }
  const preset = opts.preset ?? 'default';
  assertOneOf(fn, 'preset', preset, PRESET_NAMES);
  const seed = opts.seed ?? 0;
  assertInteger(fn, 'seed', seed, 0, 2 ** 31 - 1);
  const size = opts.size ?? 64;
  let width: number;
  let height: number;
  if (typeof size === 'number') {
    assertInteger(fn, 'size', size, 8, 4096);
    width = height = size;
  } else if (Array.isArray(size) && size.length === 2) {
    assertInteger(fn, 'size[0]', size[0], 8, 4096);
    assertInteger(fn, 'size[1]', size[1], 8, 4096);
    [width, height] = size;
  } else {
    throw new ValueError(
      `${fn}: argument 'size' expected an integer 8..4096 or [width, height], got ${describe(size)}`,
    );
  }
  const channels = opts.channels ?? 1;
  if (channels !== 1 && channels !== 3) {
    throw new ValueError(
      `${fn}: argument 'channels' expected 1 (gray) or 3 (RGB), got ${describe(channels)}`,
    );
  }
  const defined = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined));
  const r = { ...BASE, ...PRESETS[preset], ...defined, seed, width, height, channels, preset } as Resolved;
  if (typeof r.pose === 'string') {
    assertOneOf(fn, 'pose', r.pose, POSE_DISTRIBUTIONS);
  } else if (typeof r.pose === 'object' && r.pose !== null) {
    for (const k of ['yaw', 'pitch', 'roll'] as const) {
      assertInRange(
        fn,
        `pose.${k}`,
        (r.pose as unknown as Record<string, unknown>)[k],
        -POSE_LIMITS[k],
        POSE_LIMITS[k],
      );
    }
  } else {
    throw new ValueError(
      `${fn}: argument 'pose' expected one of ${POSE_DISTRIBUTIONS.map((p) => JSON.stringify(p)).join(', ')} or {yaw, pitch, roll}, got ${describe(r.pose)}`,
    );
  }
  for (const p of PROBABILITIES) assertInRange(fn, p, r[p], 0, 1);
  if (!Array.isArray(r.occluders) || r.occluders.length === 0) {
    throw new ValueError(
      `${fn}: argument 'occluders' expected a non-empty array of kinds, got ${describe(r.occluders)}`,
    );
  }
  for (const k of r.occluders) assertOneOf(fn, 'occluders[]', k, OCCLUDER_KINDS);
  assertInRange(fn, 'detectorJitter', r.detectorJitter, 0, 0.5);
  assertInRange(fn, 'identity', r.identity, 0, 2);
  assertInRange(fn, 'expression', r.expression, 0, 2);
  assertInteger(fn, 'identities', r.identities, 1, 1e6);
  assertOneOf(fn, 'background', r.background, BACKGROUNDS);
  assertOneOf(fn, 'jaw', r.jaw, JAW_MODES);
  assertRange(fn, 'faceSize', r.faceSize, 0.05, 1.5);
  assertRange(fn, 'distance', r.distance, 250, 1e5);
  return r;
}
