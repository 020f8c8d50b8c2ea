/**
 * Everything that decides one rendered face, drawn from a seeded Rng: identity (from a finite pool, so
 * that identities repeat and can be grouped), expression, pose, camera, light, skin, background and image
 * degradations. The occluder is placed later, once the landmarks are projected.
 */
import type { HeadPose } from '../../types';
import { Rng } from '../../util/rng';
import { EXPRESSION_PARAMS, type Expression, IDENTITY_PARAMS, type Identity } from './blendShapes';
import { POSE_LIMITS, type Resolved } from './options';

export interface Light {
  /** Unit direction towards the light, camera frame. */
  dir: [number, number, number];
  ambient: number;
  diffuse: number;
}

export interface FaceParams {
  identityId: number;
  identity: Identity;
  /** Skin-tone gains (r, g, b) of the identity. */
  skin: [number, number, number];
  expression: Expression;
  pose: HeadPose;
  /** Camera distance to the head's origin (mm). */
  distance: number;
  /** The landmark box's longer side / the image's shorter side. */
  faceSize: number;
  /** Shift of the landmark box's centre from the image centre, as a fraction of the image size. */
  offset: [number, number];
  light: Light;
  /** Texture jitter: brightness and per-channel gains on top of the skin tone. */
  tint: [number, number, number];
  /**
   * Texture jitter: a smooth multiplicative blotch field 1 + amp·sin(f[fx]·x + px)·sin(f[fy]·y + py) over the head
   * (mm), with f = BLOTCH_FREQUENCIES.
   */
  blotch: { amp: number; fx: number; fy: number; px: number; py: number };
  backgroundSeed: number;
  /** Gaussian blur σ in px (0 = none). */
  blur: number;
  /** Motion blur length in px (0 = none) and angle in radians. */
  motion: { length: number; angle: number };
  /** Noise σ in grey levels (0 = none). */
  noise: number;
  /** JPEG quality (0 = no JPEG round trip). */
  jpeg: number;
  /** Downscale factor before upscaling back (1 = none). */
  lowRes: number;
}

/** A 53-bit seed mixed from integers (splitmix-style), so sample i depends only on (seed, stream, i). */
export function mixSeed(...parts: number[]): number {
  let h1 = 0x9e3779b9;
  let h2 = 0x85ebca6b;
  for (const p of parts) {
    const lo = p >>> 0;
    const hi = Math.floor(p / 4294967296) >>> 0;
    for (const v of [lo, hi]) {
      h1 = Math.imul(h1 ^ v, 0xcc9e2d51);
      h1 = (h1 << 15) | (h1 >>> 17);
      h2 = Math.imul(h2 ^ h1, 0x1b873593);
      h2 = (h2 << 13) | (h2 >>> 19);
      h1 = (h1 + h2) >>> 0;
    }
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b) >>> 0;
  h2 = Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35) >>> 0;
  return (h1 >>> 0) * 2097152 + (h2 >>> 11);
}

/** Spatial frequencies (radians per mm) of the texture blotches. */
export const BLOTCH_FREQUENCIES = [0.025, 0.045, 0.07, 0.11] as const;

const clip = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** Identity parameters and skin tone of identity k in the stream `seed`. */
export function drawIdentity(
  seed: number,
  k: number,
  scale: number,
): { identity: Identity; skin: [number, number, number] } {
  const rng = new Rng(mixSeed(seed, 0x1d, k));
  const identity = {} as Identity;
  for (const p of IDENTITY_PARAMS) identity[p] = clip(rng.normal(0, 0.5 * scale), -1.5 * scale, 1.5 * scale);
  const dark = scale === 0 ? 1 : rng.uniform(0.45, 1.1);
  const red = scale === 0 ? 0 : rng.uniform(-0.08, 0.12);
  return { identity, skin: [dark * (1 + red), dark, dark * (1 - 0.5 * red)] };
}

/** Expression parameters at scale `s` (0 = neutral). */
export function drawExpression(rng: Rng, s: number): Expression {
  const e = {} as Expression;
  for (const p of EXPRESSION_PARAMS) e[p] = 0;
  if (s === 0) return e;
  e.mouthOpen = rng.next() < 0.35 * Math.min(1, s) ? clip(rng.uniform(0.1, 0.8 * s), 0, 1) : 0;
  e.smile = clip(rng.normal(0, 0.35 * s), -0.5, 1);
  e.browRaise = clip(rng.normal(0, 0.35 * s), -0.5, 1);
  e.eyesClosed = rng.next() < 0.1 * Math.min(1, s) ? rng.uniform(0.5, 1) : 0;
  return e;
}

/** A pose from the distribution (or the fixed pose). */
export function drawPose(rng: Rng, pose: Resolved['pose']): HeadPose {
  if (typeof pose === 'object') return { yaw: pose.yaw, pitch: pose.pitch, roll: pose.roll };
  const L = POSE_LIMITS;
  switch (pose) {
    case 'uniform':
      return {
        yaw: rng.uniform(-L.yaw, L.yaw),
        pitch: rng.uniform(-L.pitch, L.pitch),
        roll: rng.uniform(-L.roll, L.roll),
      };
    case 'near-frontal':
      return {
        yaw: clip(rng.normal(0, 12), -30, 30),
        pitch: clip(rng.normal(0, 6), -15, 15),
        roll: clip(rng.normal(0, 6), -15, 15),
      };
    case 'frontal': {
      const yaw = rng.next() < 0.8 ? rng.normal(0, 15) : rng.uniform(-L.yaw, L.yaw);
      return {
        yaw: clip(yaw, -L.yaw, L.yaw),
        pitch: clip(rng.normal(0, 10), -L.pitch, L.pitch),
        roll: clip(rng.normal(0, 8), -L.roll, L.roll),
      };
    }
  }
}

/** A light: normal (soft, mostly frontal) or extreme (side light, little ambient). */
export function drawLight(rng: Rng, extreme: boolean): Light {
  const lx = rng.uniform(-1, 1);
  const ly = rng.uniform(-1, 0.6);
  const lz = extreme ? rng.uniform(0, 0.3) : rng.uniform(0.6, 1.5);
  const l = Math.hypot(lx, ly, lz);
  return {
    dir: [lx / l, ly / l, -lz / l],
    ambient: extreme ? rng.uniform(0.08, 0.25) : rng.uniform(0.5, 0.75),
    diffuse: extreme ? rng.uniform(0.9, 1.4) : rng.uniform(0.25, 0.5),
  };
}

/** Draws every parameter of still face i (occluder excluded). */
export function drawFaceParams(rng: Rng, o: Resolved): FaceParams {
  const identityId = rng.int(o.identities);
  const { identity, skin } = drawIdentity(o.seed, identityId, o.identity);
  const expression = drawExpression(rng, o.expression);
  const pose = drawPose(rng, o.pose);
  const distance = Math.exp(rng.uniform(Math.log(o.distance[0]), Math.log(o.distance[1])));
  const faceSize = rng.uniform(o.faceSize[0], o.faceSize[1]);
  const offset: [number, number] = [rng.normal(0, 0.03), rng.normal(0, 0.03)];
  const light = drawLight(rng, rng.next() < o.extremeLight);
  const b = rng.uniform(0.85, 1.12);
  const tint: [number, number, number] = [b * rng.uniform(0.96, 1.04), b, b * rng.uniform(0.96, 1.04)];
  const blotch = {
    amp: rng.uniform(0, 0.12),
    fx: rng.int(BLOTCH_FREQUENCIES.length),
    fy: rng.int(BLOTCH_FREQUENCIES.length),
    px: rng.uniform(0, 2 * Math.PI),
    py: rng.uniform(0, 2 * Math.PI),
  };
  const backgroundSeed = rng.uint32();
  const short = Math.min(o.width, o.height);
  const blur = rng.next() < o.blur ? rng.uniform(0.5, 0.5 + short / 64) : 0;
  const motion =
    rng.next() < o.motionBlur
      ? { length: rng.uniform(2, 2 + short / 16), angle: rng.uniform(0, Math.PI) }
      : { length: 0, angle: 0 };
  const noise = rng.next() < o.noise ? rng.uniform(2, 14) : 0;
  const jpeg = rng.next() < o.jpeg ? Math.round(rng.uniform(10, 60)) : 0;
  const lowRes = rng.next() < o.lowRes ? rng.uniform(2, 4) : 1;
  return {
    identityId,
    identity,
    skin,
    expression,
    pose,
    distance,
    faceSize,
    offset,
    light,
    tint,
    blotch,
    backgroundSeed,
    blur,
    motion,
    noise,
    jpeg,
    lowRes,
  };
}
