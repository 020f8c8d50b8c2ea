/**
 * `video()`: one synthetic face over time. Identity, skin, light, background and camera are fixed per
 * video; pose, expression (talking, smiling, blinking) and framing follow smooth random trajectories (sums
 * of sinusoids), and an occluder passes in front of the face, hiding it fully for some frames. Frame t is a
 * pure function of (options, t), like the stills.
 */
import type { Box, HeadPose } from '../../types';
import { Rng } from '../../util/rng';
import { ValueError } from '../../errors';
import { assertInteger, describe } from '../../util/validate';
import type { Expression } from './blendShapes';
import { type FaceParams, drawFaceParams, mixSeed } from './faceParams';
import { simulateDetection, toSample } from './faces';
import type { Occluder } from './occluders';
import { POSE_LIMITS, type Resolved, type VideoOptions, resolveOptions } from './options';
import { renderSpecOf } from './renderFace';
import { type SynthSet, synthSet } from './synthSet';

export const STREAM_VIDEO = 0x71de;

/** A smooth random signal: c + Σ aₖ·sin(2πt/Pₖ + φₖ). */
interface Wave {
  c: number;
  a: number[];
  period: number[];
  phase: number[];
}

function wave(rng: Rng, c: number, amplitude: number, minPeriod: number, maxPeriod: number): Wave {
  const k = 3;
  const w: Wave = { c, a: [], period: [], phase: [] };
  for (let i = 0; i < k; i++) {
    w.a.push((amplitude * rng.uniform(0.3, 1)) / (i + 1));
    w.period.push(rng.uniform(minPeriod, maxPeriod) / (i + 1));
    w.phase.push(rng.uniform(0, 2 * Math.PI));
  }
  return w;
}

function at(w: Wave, t: number): number {
  let v = w.c;
  for (let i = 0; i < w.a.length; i++) v += w.a[i] * Math.sin((2 * Math.PI * t) / w.period[i] + w.phase[i]);
  return v;
}

const clip = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** Everything fixed for one video. */
interface VideoPlan {
  base: FaceParams;
  pose: { yaw: Wave; pitch: Wave; roll: Wave };
  mouth: Wave;
  smile: Wave;
  brow: Wave;
  blinkPeriod: number;
  blinkPhase: number;
  shift: [Wave, Wave];
  /** First frame and length of the occluder's pass (length 0 = none). */
  pass: { start: number; length: number; color: [number, number, number]; kind: 'bar' | 'disc' };
}

function plan(o: Resolved, frames: number, passing: boolean): VideoPlan {
  const rng = new Rng(mixSeed(o.seed, STREAM_VIDEO));
  const base = drawFaceParams(rng, o);
  const fixed = typeof o.pose === 'object';
  const p0 = base.pose;
  const span = o.pose === 'uniform' ? 1 : o.pose === 'near-frontal' ? 0.35 : 0.6;
  const e = o.expression;
  const length = passing ? Math.min(frames, Math.max(8, Math.round(rng.uniform(30, 60)))) : 0;
  return {
    base,
    pose: {
      yaw: wave(rng, clip(p0.yaw, -50, 50), fixed ? 0 : 40 * span, 60, 240),
      pitch: wave(rng, clip(p0.pitch, -20, 20), fixed ? 0 : 15 * span, 60, 240),
      roll: wave(rng, clip(p0.roll, -20, 20), fixed ? 0 : 15 * span, 80, 300),
    },
    mouth: wave(rng, -0.1, 0.5 * e, 8, 30),
    smile: wave(rng, 0.1 * e, 0.4 * e, 60, 200),
    brow: wave(rng, 0, 0.4 * e, 40, 160),
    blinkPeriod: Math.round(rng.uniform(60, 150)),
    blinkPhase: rng.int(150),
    shift: [wave(rng, base.offset[0], 0.04, 80, 300), wave(rng, base.offset[1], 0.03, 80, 300)],
    pass: {
      start: length > 0 ? rng.int(frames - length + 1) : 0,
      length,
      color: [rng.uniform(0, 255), rng.uniform(0, 255), rng.uniform(0, 255)],
      kind: rng.next() < 0.5 ? 'bar' : 'disc',
    },
  };
}

/** The pose and expression of frame t. */
function frameParams(v: VideoPlan, t: number, o: Resolved): FaceParams {
  const L = POSE_LIMITS;
  const pose: HeadPose = {
    yaw: clip(at(v.pose.yaw, t), -L.yaw, L.yaw),
    pitch: clip(at(v.pose.pitch, t), -L.pitch, L.pitch),
    roll: clip(at(v.pose.roll, t), -L.roll, L.roll),
  };
  const blink = o.expression > 0 && (t + v.blinkPhase) % v.blinkPeriod < 3 ? 1 : 0;
  const expression: Expression = {
    mouthOpen: clip(at(v.mouth, t), 0, 1),
    smile: clip(at(v.smile, t), -0.5, 1),
    browRaise: clip(at(v.brow, t), -0.5, 1),
    eyesClosed: blink,
  };
  return { ...v.base, pose, expression, offset: [at(v.shift[0], t), at(v.shift[1], t)] };
}

/** The passing occluder at frame t: it enters on the left and leaves on the right, covering the face midway. */
function passingOccluder(
  v: VideoPlan,
  t: number,
  width: number,
): ((lm: Float32Array, box: Box) => Occluder | null) | null {
  const { start, length, color, kind } = v.pass;
  if (length === 0 || t < start || t >= start + length) return null;
  return (_lm, box) => {
    const r = 0.62 * Math.hypot(box.width, box.height) + 1;
    const s = length === 1 ? 0.5 : (t - start) / (length - 1);
    const x = -r + s * (width + 2 * r);
    const cy = box.y + box.height / 2;
    return kind === 'bar'
      ? {
          kind,
          full: false,
          color,
          prims: [{ type: 'capsule', ax: x, ay: cy - 4 * r, bx: x, by: cy + 4 * r, r }],
        }
      : {
          kind,
          full: false,
          color,
          prims: [{ type: 'ellipse', cx: x, cy, rx: 1.1 * r, ry: 1.1 * r, angle: 0 }],
        };
  };
}

/**
 * A synthetic video: smooth pose and expression trajectories of one identity, an occluder passing over
 * the face (hiding it fully for some frames), exact ground truth in every frame (`frame`, group = video id).
 * @example const clip = synth.video({ frames: 200, seed: 3, size: 96 }); for (const f of clip) track(f)
 */
export function video(opts: VideoOptions = {}): SynthSet {
  const o = resolveOptions('video', opts);
  const frames = opts.frames ?? 100;
  assertInteger('video', 'frames', frames, 1, 1e6);
  const passing = opts.passingOccluder ?? true;
  if (typeof passing !== 'boolean') {
    throw new ValueError(
      `video: argument 'passingOccluder' expected true or false, got ${describe(passing)}`,
    );
  }
  const v = plan(o, frames, passing);
  const group = `synth-video-${o.preset}-${o.seed}`;
  return synthSet('video', 't', frames, o, (renderer, t) => {
    const p = frameParams(v, t, o);
    const rng = new Rng(mixSeed(o.seed, STREAM_VIDEO, t + 1));
    const occ = passingOccluder(v, t, o.width);
    const rendered = renderer.render(p, { ...renderSpecOf(o), occluder: occ ?? (() => null), rng });
    const detection = simulateDetection(rng.fork(), rendered.box, o.detectorJitter);
    return toSample(`${group}/${t}`, rendered, p, detection, { group, frame: t });
  });
}
