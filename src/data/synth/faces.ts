/**
 * `faces()`: a lazy, deterministic stream of synthetic still faces. Sample i is a pure function of
 * (options, i): streams can be sliced, resumed and split across workers, and nothing is kept in memory.
 */
import type { Box, Sample } from '../../types';
import { Rng } from '../../util/rng';
import { assertInteger } from '../../util/validate';
import { type FaceParams, drawFaceParams, mixSeed } from './faceParams';
import { type Occluder, placeOccluder } from './occluders';
import { type FacesOptions, type Resolved, resolveOptions } from './options';
import { type FaceRenderer, type RenderedFace, renderSpecOf } from './renderFace';
import { type SynthSet, synthSet } from './synthSet';

/** Stream ids mixed into the seed, so stills and videos of one seed differ. */
export const STREAM_STILLS = 0x5717;

/** The simulated detector: a square around the landmark box, 1.1× its longer side, jittered in shift and scale. */
export function simulateDetection(rng: Rng, box: Box, jitter: number): Box {
  const side = 1.1 * Math.max(box.width, box.height) * Math.exp(rng.normal(0, jitter));
  const cx = box.x + box.width / 2 + rng.normal(0, jitter) * side;
  const cy = box.y + box.height / 2 + rng.normal(0, jitter) * side;
  return { x: cx - side / 2, y: cy - side / 2, width: side, height: side };
}

/** Builds a Sample from a rendered face and its parameters. */
export function toSample(
  id: string,
  r: RenderedFace,
  p: FaceParams,
  detection: Box,
  extra: Partial<Sample> = {},
): Sample {
  return {
    id,
    image: r.image,
    landmarks: r.landmarks,
    visibility: r.visibility,
    occlusion: r.occlusion,
    box: r.box,
    detection,
    pose: { ...p.pose },
    source: 'synth',
    group: `synth-id-${p.identityId}`,
    meta: {
      landmarks3d: r.landmarks3d,
      camera: { f: r.camera.f, cx: r.camera.cx, cy: r.camera.cy, distance: p.distance },
      identityId: p.identityId,
      identity: { ...p.identity },
      expression: { ...p.expression },
      skin: p.skin,
      light: p.light,
      occluder: r.occluder === null ? null : { kind: r.occluder.kind, full: r.occluder.full },
      degradations: {
        blur: p.blur,
        motionBlur: p.motion.length,
        noise: p.noise,
        jpeg: p.jpeg,
        lowRes: p.lowRes,
      },
    },
    ...extra,
  };
}

/** Renders still i of a resolved stream (shared by faces() and the tests). */
export function renderStill(
  renderer: FaceRenderer,
  o: Resolved,
  i: number,
): { rendered: RenderedFace; params: FaceParams; sample: Sample } {
  const rng = new Rng(mixSeed(o.seed, STREAM_STILLS, i));
  const params = drawFaceParams(rng, o);
  const occRng = rng.fork();
  const wantOcc = occRng.next() < o.occlusion;
  const kind = o.occluders[occRng.int(o.occluders.length)];
  const full = occRng.next() < o.fullOcclusion;
  const occluder = (lm: Float32Array, box: Box): Occluder | null =>
    wantOcc ? placeOccluder(occRng, kind, full, lm, box, params.skin) : null;
  const rendered = renderer.render(params, { ...renderSpecOf(o), occluder, rng: rng.fork() });
  const detection = simulateDetection(rng.fork(), rendered.box, o.detectorJitter);
  const sample = toSample(`synth/${o.preset}/${o.seed}/${i}`, rendered, params, detection);
  return { rendered, params, sample };
}

/**
 * Synthetic still faces with exact ground truth, generated lazily.
 * @example for (const s of synth.faces({ n: 1000, seed: 1, size: 64 })) train(s)
 * @example const hard = synth.faces({ n: 100, preset: 'hard', channels: 3, size: 128 }).at(7)
 */
export function faces(opts: FacesOptions = {}): SynthSet {
  const o = resolveOptions('faces', opts);
  const n = opts.n ?? 100;
  assertInteger('faces', 'n', n, 0, 1e9);
  return synthSet('faces', 'i', n, o, (renderer, i) => renderStill(renderer, o, i).sample);
}
