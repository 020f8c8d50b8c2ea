/** Synthetic faces: ground truth against pixels, visibility, symmetry, pose, determinism, bad input. */
import * as assert from 'node:assert/strict';
import { ValueError } from '../src/errors';
import { poseFit } from '../src/landmarks/pose';
import { shapeBox } from '../src/landmarks/box';
import { shapeFlip } from '../src/landmarks/flip';
import { ibug68, type LandmarkScheme } from '../src/landmarks/scheme';
import { faces, renderStill } from '../src/data/synth/faces';
import { drawFaceParams, type FaceParams } from '../src/data/synth/faceParams';
import { loadFaceModel } from '../src/data/synth/faceModel';
import { resolveOptions, type FacesOptions } from '../src/data/synth/options';
import { FaceRenderer, VISIBILITY_DEPTH_TOLERANCE_MM, type RenderedFace } from '../src/data/synth/renderFace';
import { Rng } from '../src/util/rng';

const model = loadFaceModel();
const renderer = new FaceRenderer(model);

/** The mesh point of landmark l (barycentric in its anchor triangle of the warped mesh), projected. */
function projectedMeshPoint(r: RenderedFace, l: number): [number, number, number] {
  const t = model.landmarkTriangle[l];
  const p = [0, 0, 0];
  for (let k = 0; k < 3; k++) {
    const v = model.triangles[3 * t + k];
    for (let d = 0; d < 3; d++) p[d] += model.landmarkBary[3 * l + k] * r.verts[3 * v + d];
  }
  const R = r.camera.R;
  const c = [0, 1, 2].map((i) => R[3 * i] * p[0] + R[3 * i + 1] * p[1] + R[3 * i + 2] * p[2] + r.camera.t[i]);
  return [(r.camera.f * c[0]) / c[2] + r.camera.cx, (r.camera.f * c[1]) / c[2] + r.camera.cy, c[2]];
}

/** A clean render with the given overrides (no degradations, no occluder). */
function clean(overrides: Partial<FaceParams>, opts: FacesOptions = {}, seed = 1): RenderedFace {
  const o = resolveOptions('test', { size: 128, channels: 3, ...opts });
  const p = {
    ...drawFaceParams(new Rng(seed), o),
    blur: 0,
    noise: 0,
    jpeg: 0,
    lowRes: 1,
    motion: { length: 0, angle: 0 },
    ...overrides,
  };
  return renderer.render(p, {
    width: o.width,
    height: o.height,
    channels: o.channels,
    background: o.background,
    occluder: () => null,
    rng: new Rng(0),
    jawContour: o.jaw === 'contour',
  });
}

describe('synth.faces: ground truth matches pixels', () => {
  it('reports each landmark at its projected mesh point (≤ 0.5 px) over poses, identities, expressions', () => {
    const o = resolveOptions('test', { size: 128, pose: 'uniform', expression: 2, identity: 2 });
    let worst = 0;
    for (let i = 0; i < 12; i++) {
      const { rendered, sample } = renderStill(renderer, o, i);
      for (let l = 0; l < 68; l++) {
        const [u, v] = projectedMeshPoint(rendered, l);
        worst = Math.max(worst, Math.hypot(u - sample.landmarks[2 * l], v - sample.landmarks[2 * l + 1]));
      }
    }
    assert.ok(worst <= 0.5, `worst ${worst} px`);
  });

  it('places the landmarks where the scan put them (neutral face: anchors within 0.5 px of the scan points)', () => {
    const r = clean({}, { identity: 0, expression: 0 });
    const inner = new Set<number>(ibug68.groups.innerLips);
    const R = r.camera.R;
    let worst = 0;
    for (let l = 0; l < 68; l++) {
      const p = model.landmarks.subarray(3 * l, 3 * l + 3);
      const c = [0, 1, 2].map(
        (i) => R[3 * i] * p[0] + R[3 * i + 1] * p[1] + R[3 * i + 2] * p[2] + r.camera.t[i],
      );
      const u = (r.camera.f * c[0]) / c[2] + r.camera.cx;
      const v = (r.camera.f * c[1]) / c[2] + r.camera.cy;
      const d = Math.hypot(u - r.landmarks[2 * l], v - r.landmarks[2 * l + 1]);
      // inner-lip points are anchored on their own lip, up to 1.3 mm from the scan's point
      if (inner.has(l)) assert.ok(d < 1, `inner lip ${l}: ${d} px`);
      else worst = Math.max(worst, d);
    }
    assert.ok(worst <= 0.5, `worst ${worst} px`);
  });

  it('marks as visible only landmarks that are not behind the face in the z-buffer', () => {
    const o = resolveOptions('test', { size: 96, pose: 'uniform' });
    let checked = 0;
    let hidden = 0;
    for (let i = 0; i < 16; i++) {
      const { rendered: r } = renderStill(renderer, o, i);
      for (let l = 0; l < 68; l++) {
        const [u, v, z] = projectedMeshPoint(r, l);
        const px = Math.round(u);
        const py = Math.round(v);
        if (px < 0 || py < 0 || px >= 96 || py >= 96) continue;
        if (r.visibility[l] === 1) {
          checked++;
          // not behind the drawn surface at its pixel or, on a silhouette, at a neighbouring one
          let front = false;
          for (let dy = -1; dy <= 1; dy++) {
            for (let dx = -1; dx <= 1; dx++) {
              const x = px + dx;
              const y = py + dy;
              if (x < 0 || y < 0 || x >= 96 || y >= 96) continue;
              const d = r.depth[y * 96 + x];
              if (d === 0 || z <= 1 / d + VISIBILITY_DEPTH_TOLERANCE_MM) front = true;
            }
          }
          assert.ok(front, `sample ${i} landmark ${l} at depth ${z} is behind the z-buffer`);
        } else hidden++;
      }
    }
    assert.ok(checked > 500 && hidden > 20, `checked ${checked}, hidden ${hidden}`);
  });

  it('hides the far side of the face at large yaw and (almost) nothing at yaw 0', () => {
    // weak perspective; up close the scan's jaw ends fall behind the cheeks' silhouette (see notes)
    const far = { distance: 1500 };
    const front = clean({ ...far, pose: { yaw: 0, pitch: 0, roll: 0 } });
    const jawSet = new Set<number>(ibug68.groups.jaw);
    for (let i = 0; i < 68; i++) if (!jawSet.has(i)) assert.equal(front.visibility[i], 1, `point ${i}`);
    assert.ok(front.visibility.reduce((a, b) => a + b, 0) >= 64);
    // +yaw turns the nose to the image's right: the subject's left cheek (jaw end, image right) turns away
    const turned = clean({ ...far, pose: { yaw: 75, pitch: 0, roll: 0 } });
    const jaw = ibug68.groups.jaw;
    const farSide = jaw.slice(12);
    const nearSide = jaw.slice(0, 5);
    assert.ok(
      farSide.every((i) => turned.visibility[i] === 0),
      `far jaw ${farSide.map((i) => turned.visibility[i])}`,
    );
    assert.ok(
      nearSide.every((i) => turned.visibility[i] === 1),
      `near jaw ${nearSide.map((i) => turned.visibility[i])}`,
    );
    assert.ok(
      ibug68.groups.leftEye.every((i) => turned.visibility[i] === 0),
      'far eye hidden',
    );
    assert.ok(
      ibug68.groups.rightEye.every((i) => turned.visibility[i] === 1),
      'near eye visible',
    );
    assert.ok(turned.landmarks[2 * ibug68.noseTip!] > front.landmarks[2 * ibug68.noseTip!] - 2);
  });
});

describe('synth.faces: jaw on the silhouette (jaw: contour)', () => {
  it('slides hidden jaw points outward onto visible mesh points and leaves the rest alone', () => {
    const pose = { yaw: 60, pitch: 5, roll: 10 };
    const a = clean({ pose, distance: 800 }, { jaw: '3d' });
    const b = clean({ pose, distance: 800 }, { jaw: 'contour' });
    const jaw = new Set<number>(ibug68.groups.jaw);
    let moved = 0;
    for (let l = 0; l < 68; l++) {
      const same =
        a.landmarks[2 * l] === b.landmarks[2 * l] && a.landmarks[2 * l + 1] === b.landmarks[2 * l + 1];
      if (!jaw.has(l) || a.visibility[l] === 1) {
        assert.ok(same, `point ${l} should not move`);
        continue;
      }
      if (same) continue;
      moved++;
      assert.equal(b.visibility[l], 1);
      // still a projected mesh point: meta's 3D point projects onto it
      const X = b.landmarks3d.subarray(3 * l, 3 * l + 3);
      const u = (b.camera.f * X[0]) / X[2] + b.camera.cx;
      const v = (b.camera.f * X[1]) / X[2] + b.camera.cy;
      assert.ok(Math.hypot(u - b.landmarks[2 * l], v - b.landmarks[2 * l + 1]) < 0.5);
      // on the face: a drawn pixel next to it
      const px = Math.round(b.landmarks[2 * l]);
      const py = Math.round(b.landmarks[2 * l + 1]);
      let face = false;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) if (b.depth[(py + dy) * 128 + px + dx] > 0) face = true;
      assert.ok(face, `point ${l} is off the face`);
    }
    assert.ok(moved >= 4, `moved ${moved}`);
    // the moved far-side points lie outside the 3D ones in the image (towards the silhouette)
    const far = ibug68.groups.jaw.slice(11);
    const meanX = (s: Float32Array): number => far.reduce((t, i) => t + s[2 * i], 0) / far.length;
    assert.ok(meanX(b.landmarks) > meanX(a.landmarks) + 1, `${meanX(b.landmarks)} vs ${meanX(a.landmarks)}`);
  });
});

/**
 * Mirror symmetry at yaw 0 (see the test): bounds a little above what the renderer measures for its one identity
 * (deterministic render: landmarks mean 4.60 % and worst point 7.37 % of the box width, image 30.6 grey levels). A
 * wrong mirror map moves its worst point by 23-100 % (the test checks four).
 */
const MIRROR_MEAN_MAX = 0.05;
const MIRROR_WORST_MAX = 0.08;
const MIRROR_IMAGE_MAX = 32;

describe('synth.faces: geometry', () => {
  const sym = {
    pose: { yaw: 0, pitch: 0, roll: 0 },
    offset: [0, 0] as [number, number],
    blotch: { amp: 0, fx: 0, fy: 0, px: 0, py: 0 },
    light: { dir: [0, 0, -1] as [number, number, number], ambient: 0.6, diffuse: 0.4 },
  };

  /**
   * Mirror asymmetry of a render, under a mirror permutation (the scheme's, or a wrong one to show the test catches
   * it): landmarks as the mean and the largest point distance between the flipped and the original shape (fractions
   * of the box width), image as mean |I(x) − I(W−1−x)| over pixels the face covers on both sides.
   */
  function mirrorDiff(
    r: RenderedFace,
    scheme: LandmarkScheme = ibug68,
  ): { landmarks: number; worstPoint: number; image: number } {
    const W = r.image.width;
    const flipped = shapeFlip(r.landmarks, W, scheme);
    let e = 0;
    let worst = 0;
    for (let i = 0; i < 68; i++) {
      const d = Math.hypot(flipped[2 * i] - r.landmarks[2 * i], flipped[2 * i + 1] - r.landmarks[2 * i + 1]);
      e += d / 68;
      worst = Math.max(worst, d);
    }
    let d = 0;
    let n = 0;
    for (let y = 0; y < r.image.height; y++) {
      for (let x = 0; x < W; x++) {
        const a = y * W + x;
        const b = y * W + (W - 1 - x);
        if (r.depth[a] === 0 || r.depth[b] === 0) continue;
        for (let c = 0; c < 3; c++) d += Math.abs(r.image.data[3 * a + c] - r.image.data[3 * b + c]) / 3;
        n++;
      }
    }
    const bw = shapeBox(r.landmarks).width;
    return { landmarks: e / bw, worstPoint: worst / bw, image: d / n };
  }

  /** The iBUG-68 scheme with its mirror permutation changed by `edit` (pairs swapped, labels shifted, …). */
  function wrongMirror(edit: (m: Int32Array) => void): LandmarkScheme {
    const mirror = Int32Array.from(ibug68.mirror as Int32Array);
    edit(mirror);
    return { ...ibug68, mirror };
  }

  it('is mirror-symmetric at yaw 0 to what the renderer achieves; a wrong mirror map fails', () => {
    const r = clean(sym, { identity: 0, expression: 0 });
    const s = mirrorDiff(r);
    const turned = mirrorDiff(
      clean({ ...sym, pose: { yaw: 25, pitch: 0, roll: 0 } }, { identity: 0, expression: 0 }),
    );
    console.log(
      `      mirror difference at yaw 0: landmarks mean ${(100 * s.landmarks).toFixed(2)}%, worst point ${(100 * s.worstPoint).toFixed(2)}% of box width, image ${s.image.toFixed(1)} grey levels (yaw 25: ${(100 * turned.landmarks).toFixed(2)}%, ${turned.image.toFixed(1)})`,
    );
    // james is a real face (≈ 3.8 mm mean landmark asymmetry) photographed under light from one side: the bounds
    // are what this render measures, a little above (MIRROR_*_MAX)
    assert.ok(s.landmarks < MIRROR_MEAN_MAX, `landmarks ${s.landmarks}`);
    assert.ok(s.worstPoint < MIRROR_WORST_MAX, `worst point ${s.worstPoint}`);
    assert.ok(s.image < MIRROR_IMAGE_MAX, `image ${s.image}`);
    assert.ok(turned.landmarks > 4 * s.landmarks && turned.image > 1.3 * s.image);
    // wrong mirror maps: no relabelling, outer/inner eye corners crossed, the jaw shifted by one, mouth corners kept
    const swap = (m: Int32Array, a: number, b: number) => {
      [m[a], m[b]] = [m[b], m[a]];
    };
    const wrong: Record<string, LandmarkScheme> = {
      identity: wrongMirror((m) => m.forEach((_, i) => (m[i] = i))),
      'eye corners crossed': wrongMirror((m) => {
        swap(m, 36, 39);
        swap(m, 42, 45);
      }),
      'jaw shifted by one': wrongMirror((m) => {
        for (let i = 0; i < 17; i++) m[i] = (16 - i + 1) % 17;
      }),
      'mouth corners unswapped': wrongMirror((m) => {
        m[48] = 48;
        m[54] = 54;
      }),
    };
    for (const [name, scheme] of Object.entries(wrong)) {
      const w = mirrorDiff(r, scheme);
      console.log(
        `      wrong mirror map (${name}): worst point ${(100 * w.worstPoint).toFixed(2)}%, mean ${(100 * w.landmarks).toFixed(2)}%`,
      );
      assert.ok(w.worstPoint >= MIRROR_WORST_MAX, `${name}: worst point ${w.worstPoint} should fail`);
    }
  });

  it('agrees with poseFit on the rendered 2D landmarks', () => {
    const o = resolveOptions('test', { size: 128, pose: 'uniform', identity: 0, expression: 0 });
    const errs = { yaw: [] as number[], pitch: [] as number[], roll: [] as number[] };
    for (let i = 0; i < 30; i++) {
      const { sample } = renderStill(renderer, o, i);
      if (Math.abs(sample.pose!.yaw) > 60) continue;
      const fit = poseFit(sample.landmarks).pose;
      for (const k of ['yaw', 'pitch', 'roll'] as const) errs[k].push(fit[k] - sample.pose![k]);
    }
    const mae = (a: number[]): number => a.reduce((s, v) => s + Math.abs(v), 0) / a.length;
    const bias = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
    console.log(
      `      poseFit vs generated (${errs.yaw.length} faces, |yaw| ≤ 60): MAE yaw ${mae(errs.yaw).toFixed(1)}°, pitch ${mae(errs.pitch).toFixed(1)}°, roll ${mae(errs.roll).toFixed(1)}°; bias pitch ${bias(errs.pitch).toFixed(1)}°`,
    );
    // weak-perspective fit of the generic template to a perspective render of one real face: the template's
    // 'level' head sits ≈ 4° of pitch from the scan's canonical frame
    assert.ok(mae(errs.yaw) < 4 && mae(errs.pitch) < 8 && mae(errs.roll) < 3);
  });
});

describe('synth.faces: samples and streams', () => {
  it('fills every field of a Sample', () => {
    const s = faces({ n: 3, seed: 2, size: 48, channels: 3 }).at(1);
    assert.equal(s.image.width, 48);
    assert.equal(s.image.channels, 3);
    assert.equal(s.image.data.length, 48 * 48 * 3);
    assert.equal(s.landmarks.length, 136);
    assert.deepEqual(s.box, shapeBox(s.landmarks));
    assert.ok(s.detection !== undefined && s.detection.width > 0);
    assert.equal(s.source, 'synth');
    assert.match(s.group!, /^synth-id-\d+$/);
    assert.equal((s.meta!.landmarks3d as Float32Array).length, 204);
    assert.ok(s.landmarks.every(Number.isFinite));
  });

  it('is deterministic: same seed same bytes, at(i) equals the i-th of the iteration, other seeds differ', () => {
    const a = [...faces({ n: 4, seed: 9 })];
    const b = faces({ n: 4, seed: 9 }).at(3);
    assert.deepEqual(a[3].image.data, b.image.data);
    assert.deepEqual(a[3].landmarks, b.landmarks);
    const c = faces({ n: 4, seed: 10 }).at(3);
    assert.notDeepEqual(a[3].image.data, c.image.data);
  });

  it('hides every landmark under a full occluder and some under partial ones', () => {
    const full = faces({ n: 6, seed: 4, occlusion: 1, fullOcclusion: 1, occluders: ['disc', 'bar', 'hand'] });
    for (const s of full)
      assert.equal(
        s.occlusion!.reduce((x, y) => x + y, 0),
        68,
        `${s.id}`,
      );
    const part = [...faces({ n: 12, seed: 4, occlusion: 1, fullOcclusion: 0 })];
    const counts = part.map((s) => s.occlusion!.reduce((x, y) => x + y, 0));
    assert.ok(
      counts.some((c) => c > 0 && c < 68),
      `${counts}`,
    );
    const glasses = faces({ n: 1, seed: 5, occlusion: 1, fullOcclusion: 0, occluders: ['sunglasses'] }).at(0);
    assert.ok(
      [...ibug68.groups.rightEye, ...ibug68.groups.leftEye].every((i) => glasses.occlusion![i] === 1),
    );
    assert.equal(glasses.occlusion![ibug68.groups.jaw[8]], 0);
  });

  it('presets and pose options do what they say', () => {
    const fast = { size: 24, blur: 0, noise: 0, jpeg: 0, lowRes: 0, motionBlur: 0 };
    const easy = [...faces({ ...fast, n: 20, seed: 6, preset: 'easy' })];
    assert.ok(easy.every((s) => s.occlusion!.every((v) => v === 0) && Math.abs(s.pose!.yaw) <= 30));
    const hard = [...faces({ ...fast, n: 30, seed: 6, preset: 'hard' })];
    const occluded = hard.filter((s) => s.meta!.occluder !== null).length;
    assert.ok(occluded >= 10 && occluded <= 26, `hard: ${occluded}/30 occluded`);
    assert.ok(
      hard.some((s) => Math.abs(s.pose!.yaw) > 60),
      'hard reaches large yaw',
    );
    const fixed = faces({ ...fast, n: 2, pose: { yaw: -35, pitch: 12, roll: -7 } }).at(1);
    assert.deepEqual(fixed.pose, { yaw: -35, pitch: 12, roll: -7 });
  });

  it('rejects bad options with named errors saying what is allowed', () => {
    const bad: Array<[FacesOptions, RegExp]> = [
      [
        { preset: 'medium' as 'easy' },
        /faces: argument 'preset' expected one of "default", "easy", "hard", got "medium"/,
      ],
      [{ size: 0 }, /faces: argument 'size' expected an integer in 8\.\.4096, got 0/],
      [{ n: -1 }, /faces: argument 'n' expected an integer in 0\.\.1000000000, got -1/],
      [
        { pose: { yaw: 100, pitch: 0, roll: 0 } },
        /faces: argument 'pose\.yaw' expected a number in \[-90, 90\], got 100/,
      ],
      [
        { pose: 'sideways' as 'uniform' },
        /faces: argument 'pose' expected one of "frontal", "near-frontal", "uniform"/,
      ],
      [{ occlusion: NaN }, /faces: argument 'occlusion' expected a finite number, got NaN/],
      [{ blur: 2 }, /faces: argument 'blur' expected a number in \[0, 1\], got 2/],
      [{ channels: 4 as 3 }, /faces: argument 'channels' expected 1 \(gray\) or 3 \(RGB\), got 4/],
      [{ faceSize: [0.6, 0.4] }, /faces: argument 'faceSize' expected lo ≤ hi/],
      [
        { occluders: ['umbrella' as 'bar'] },
        /faces: argument 'occluders\[\]' expected one of "bar", "disc", "hand", "sunglasses"/,
      ],
    ];
    for (const [opts, re] of bad)
      assert.throws(
        () => faces(opts),
        (e: Error) => e instanceof ValueError && re.test(e.message),
        JSON.stringify(opts),
      );
    assert.throws(() => faces({ n: 2 }).at(2), /faces\(\)\.at: argument 'i' expected an integer in 0\.\.1/);
  });
});
