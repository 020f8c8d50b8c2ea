import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Rng, ShapeError, ValueError } from '../src';
import {
  boxValidate,
  generalizedProcrustes,
  genericScheme,
  ibug68,
  interOcular,
  poseFit,
  poseFromRotation,
  poseRotation,
  procrustes,
  projectWeakPerspective,
  pupils,
  shapeBox,
  shapeCentroid,
  shapeFlip,
  shapeFlipNormalized,
  shapeFromBox,
  shapeMean,
  shapeRmsDistance,
  shapeToBox,
  shapeValidate,
  template3d,
  template3dFromLjson,
} from '../src/landmarks';
import type { HeadPose } from '../src/types';
import { expectClose, requireSharedData } from './helpers';

const G = ibug68.groups;

/** A face-like 68-point shape: the template seen frontally, 1 px per mm, centred at (100, 120). */
function frontal(): Float32Array {
  return projectWeakPerspective(template3d(), { yaw: 0, pitch: 0, roll: 0 }, 1, 100, 120);
}

function randomShape(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: 2 * n }, () => rng.uniform(0, 200));
}

function throwsNamed(f: () => unknown, cls: typeof ShapeError | typeof ValueError, re: RegExp): void {
  assert.throws(f, (e: Error) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${e.constructor.name}: ${e.message}`);
    assert.match(e.message, re);
    return true;
  });
}

/** A 300-W .pts file read simply (the numbers between braces), 1-based → 0-based. */
function readPts0(file: string): Float32Array {
  const body = fs.readFileSync(file, 'utf8').split('{')[1].split('}')[0];
  return Float32Array.from(body.trim().split(/\s+/), (v) => Number(v) - 1);
}

function angleDiff(a: number, b: number): number {
  return Math.abs(((a - b + 540) % 360) - 180);
}

describe('landmarks: shapes and boxes', () => {
  it('shapeBox is the bounding box; shapeToBox/shapeFromBox round-trip', () => {
    const rng = new Rng(1);
    const s = randomShape(rng, 68);
    const b = shapeBox(s);
    const norm = shapeToBox(s, b);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of norm) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    assert.ok(Math.abs(lo) < 1e-6 && Math.abs(hi - 1) < 1e-6, `box coords span [${lo}, ${hi}]`);
    expectClose(shapeFromBox(norm, b), s, 1e-4, 'round trip');
    const other = { x: -20, y: 7.5, width: 64, height: 33 };
    expectClose(shapeFromBox(shapeToBox(s, other), other), s, 1e-4, 'round trip, other box');
    const n2 = shapeToBox(Float32Array.of(-20, 7.5, 44, 40.5), other);
    expectClose(n2, [0, 0, 1, 1], 1e-7, 'corners');
  });

  it('centroid, mean, RMS distance', () => {
    const a = Float32Array.of(0, 0, 2, 0, 2, 2, 0, 2);
    assert.deepEqual(shapeCentroid(a), [1, 1]);
    const b = a.map((v) => v + 3);
    expectClose(
      shapeMean([a, b], 4),
      a.map((v) => v + 1.5),
      1e-6,
      'mean of list',
    );
    const packed = new Float32Array(16);
    packed.set(a, 0);
    packed.set(b, 8);
    expectClose(
      shapeMean(packed, 4),
      a.map((v) => v + 1.5),
      1e-6,
      'mean of packed',
    );
    // every point moved by (3, 3): distance 3√2
    assert.ok(Math.abs(shapeRmsDistance(a, b) - 3 * Math.SQRT2) < 1e-6);
  });

  it('interOcular and pupils read the scheme', () => {
    const s = frontal();
    const [r, l] = [ibug68.eyeCorners!.right[0], ibug68.eyeCorners!.left[0]];
    const iod = interOcular(s);
    assert.ok(Math.abs(iod - Math.hypot(s[2 * r] - s[2 * l], s[2 * r + 1] - s[2 * l + 1])) < 1e-9);
    assert.ok(iod > 80 && iod < 100, `outer-corner distance of the template ${iod} mm`);
    const p = pupils(s);
    // the subject's right eye is on the image's left in a frontal face
    assert.ok(p.right[0] < p.left[0]);
    const inner = Math.hypot(p.right[0] - p.left[0], p.right[1] - p.left[1]);
    assert.ok(inner > 50 && inner < iod, `pupil distance ${inner}`);
    throwsNamed(
      () => interOcular(Float32Array.of(0, 0, 1, 1), genericScheme(2)),
      ValueError,
      /interOcular: argument 'scheme'.*eye corners/,
    );
  });
});

describe('landmarks: flipping', () => {
  it('flipping twice is the identity (pixels and box coordinates)', () => {
    const s = randomShape(new Rng(2), 68);
    expectClose(shapeFlip(shapeFlip(s, 200), 200), s, 1e-4, 'pixels');
    const n = shapeToBox(s, shapeBox(s));
    expectClose(shapeFlipNormalized(shapeFlipNormalized(n)), n, 1e-6, 'box');
  });

  it('a flipped right eye becomes the left eye, mirrored in x', () => {
    const s = randomShape(new Rng(3), 68);
    const w = 256;
    const f = shapeFlip(s, w);
    const pairs: Array<[string, string]> = [
      ['rightEye', 'leftEye'],
      ['rightBrow', 'leftBrow'],
    ];
    for (const [a, b] of pairs) {
      const from = G[a];
      const to = G[b];
      for (const j of to) {
        const src = ibug68.mirror![j];
        assert.ok(from.includes(src), `${b} point ${j} must come from ${a}`);
        assert.ok(Math.abs(f[2 * j] - (w - 1 - s[2 * src])) < 1e-4);
        assert.equal(f[2 * j + 1], s[2 * src + 1]);
      }
    }
    // On a real face: the flipped frontal face's left eye lies where the right one was, mirrored.
    const fr = frontal();
    const ff = shapeFlip(fr, 200);
    const pr = pupils(fr);
    const pf = pupils(ff);
    assert.ok(Math.abs(pf.left[0] - (199 - pr.right[0])) < 1e-3 && Math.abs(pf.left[1] - pr.right[1]) < 1e-3);
    // the symmetric template flips onto itself when centred at x = (w - 1) / 2
    const c = projectWeakPerspective(template3d(), { yaw: 0, pitch: 0, roll: 0 }, 1, 99.5, 100);
    expectClose(shapeFlip(c, 200), c, 1e-3, 'symmetric template');
  });

  it('refuses a scheme without mirror and a scheme of the wrong size', () => {
    const s = randomShape(new Rng(4), 5);
    throwsNamed(() => shapeFlip(s, 100), ValueError, /shapeFlip: argument 'scheme'.*mirror/);
    throwsNamed(
      () => shapeFlip(randomShape(new Rng(4), 68), 100, genericScheme(5)),
      ShapeError,
      /shapeFlip: argument 'scheme'.*68 points/,
    );
    const sym = genericScheme(5, [4, 3, 2, 1, 0]);
    const f = shapeFlipNormalized(Float32Array.of(0.1, 0, 0.2, 0, 0.5, 0, 0.8, 0, 0.9, 0.5), sym);
    expectClose(f, [0.1, 0.5, 0.2, 0, 0.5, 0, 0.8, 0, 0.9, 0], 1e-6, 'generic mirror');
  });
});

describe('landmarks: Procrustes', () => {
  it('recovers a known similarity transform exactly', () => {
    const rng = new Rng(5);
    const src = randomShape(rng, 68);
    const theta = 0.7;
    const k = 1.8;
    const t: [number, number] = [12, -30];
    const dst = new Float32Array(src.length);
    for (let i = 0; i < 68; i++) {
      const x = src[2 * i];
      const y = src[2 * i + 1];
      dst[2 * i] = k * (Math.cos(theta) * x - Math.sin(theta) * y) + t[0];
      dst[2 * i + 1] = k * (Math.sin(theta) * x + Math.cos(theta) * y) + t[1];
    }
    const r = procrustes(src, dst);
    assert.ok(Math.abs(r.rotation - theta) < 1e-6, `rotation ${r.rotation}`);
    assert.ok(Math.abs(r.scale - k) < 1e-6, `scale ${r.scale}`);
    expectClose(r.translation, t, 1e-3, 'translation');
    assert.ok(r.rmsd < 1e-3, `rmsd ${r.rmsd}`);
    expectClose(r.aligned, dst, 1e-3, 'aligned');
    const rigid = procrustes(src, dst, { scale: false });
    assert.equal(rigid.scale, 1);
    assert.ok(Math.abs(rigid.rotation - theta) < 1e-6);
    assert.ok(rigid.rmsd > 1, 'a rigid fit cannot absorb the scale');
  });

  it('generalized Procrustes finds the common shape of transformed noisy copies', () => {
    const rng = new Rng(6);
    const base = frontal();
    const copies: Float32Array[] = [];
    for (let m = 0; m < 20; m++) {
      const th = rng.uniform(-1, 1);
      const k = rng.uniform(0.5, 2);
      const [tx, ty] = [rng.uniform(-50, 50), rng.uniform(-50, 50)];
      const c = new Float32Array(136);
      for (let i = 0; i < 68; i++) {
        const x = base[2 * i] + rng.normal() * 0.5;
        const y = base[2 * i + 1] + rng.normal() * 0.5;
        c[2 * i] = k * (Math.cos(th) * x - Math.sin(th) * y) + tx;
        c[2 * i + 1] = k * (Math.sin(th) * x + Math.cos(th) * y) + ty;
      }
      copies.push(c);
    }
    const g = generalizedProcrustes(copies, 68);
    // The mean matches the base up to a similarity, with small error relative to its unit size.
    const fit = procrustes(base, g.mean);
    assert.ok(fit.rmsd < 0.02, `mean vs base rmsd ${fit.rmsd}`);
    assert.equal(g.aligned.length, 20 * 136);
    for (let m = 0; m < 20; m++) {
      const d = shapeRmsDistance(g.aligned.subarray(m * 136, (m + 1) * 136), g.mean);
      assert.ok(d < 0.05, `shape ${m} off the mean by ${d}`);
    }
    assert.ok(g.iterations >= 1 && g.iterations <= 10);
  });
});

describe('landmarks: 3D template and pose convention', () => {
  it('the shipped template is iBUG-68 ordered, symmetric, in mm and in the camera convention', () => {
    const t = template3d();
    assert.equal(t.length, 68 * 3);
    const tip = ibug68.noseTip!;
    let zmin = Infinity;
    let argmin = -1;
    for (let i = 0; i < 68; i++) if (t[3 * i + 2] < zmin) [zmin, argmin] = [t[3 * i + 2], i];
    assert.equal(argmin, tip, 'the nose tip is closest to the camera');
    const xs = Array.from({ length: 68 }, (_, i) => t[3 * i]);
    const width = Math.max(...xs) - Math.min(...xs);
    assert.ok(width > 130 && width < 160, `face width ${width} mm`);
    const m = ibug68.mirror!;
    for (let i = 0; i < 68; i++) {
      assert.ok(Math.abs(t[3 * i] + t[3 * m[i]]) < 2e-3, `x of ${i} mirrors ${m[i]}`);
      assert.ok(Math.abs(t[3 * i + 1] - t[3 * m[i] + 1]) < 2e-3);
    }
    // y down: brows above (smaller y than) the chin; the subject's right eye on the image left
    const meanY = (g: readonly number[]) => g.reduce((s, i) => s + t[3 * i + 1], 0) / g.length;
    assert.ok(meanY(G.rightBrow) < meanY(G.noseLower) && meanY(G.noseLower) < meanY(G.outerLips));
    assert.ok(G.rightEye.every((i) => t[3 * i] < 0) && G.leftEye.every((i) => t[3 * i] > 0));
    // a copy each call
    t[0] = 1e6;
    assert.notEqual(template3d()[0], 1e6);
  });

  it('reproduces the shipped template from the menpo3d file', function () {
    const dir = requireSharedData(this, '3d');
    const lj = JSON.parse(fs.readFileSync(path.join(dir, 'template.ljson'), 'utf8')) as unknown;
    expectClose(template3dFromLjson(lj, { unitScale: 0.001 }), template3d(), 1e-3, 'template');
  });

  it('poseRotation follows the documented signs', () => {
    const t = template3d();
    const tip = ibug68.noseTip!;
    const at = (pose: HeadPose) => {
      const p = projectWeakPerspective(t, pose, 1, 0, 0);
      const [cx, cy] = shapeCentroid(p);
      return { x: p[2 * tip] - cx, y: p[2 * tip + 1] - cy, p };
    };
    const front = at({ yaw: 0, pitch: 0, roll: 0 });
    assert.ok(at({ yaw: 30, pitch: 0, roll: 0 }).x > front.x + 5, '+yaw: nose to the image right');
    assert.ok(at({ yaw: -30, pitch: 0, roll: 0 }).x < front.x - 5, '-yaw: nose to the image left');
    assert.ok(at({ yaw: 0, pitch: 30, roll: 0 }).y > front.y + 5, '+pitch: nose down');
    // +roll: clockwise on screen, a point right of centre (the subject's left eye) moves down
    const eye = G.leftEye[0];
    const rolled = at({ yaw: 0, pitch: 0, roll: 20 }).p;
    assert.ok(front.p[2 * eye] > 0);
    assert.ok(rolled[2 * eye + 1] > front.p[2 * eye + 1] + 5, '+roll: right-hand point moves down');
    // R is a rotation and the pose round-trips
    const rng = new Rng(7);
    for (let k = 0; k < 50; k++) {
      const pose = { yaw: rng.uniform(-179, 179), pitch: rng.uniform(-89, 89), roll: rng.uniform(-179, 179) };
      const back = poseFromRotation(poseRotation(pose));
      assert.ok(
        angleDiff(back.yaw, pose.yaw) < 1e-6 &&
          Math.abs(back.pitch - pose.pitch) < 1e-6 &&
          angleDiff(back.roll, pose.roll) < 1e-6,
      );
    }
  });

  it('poseFit recovers yaw in [-80, 80] with random pitch, roll and noise within 2 degrees', () => {
    const rng = new Rng(8);
    const t = template3d();
    let worst = 0;
    for (let yaw = -80; yaw <= 80; yaw += 10) {
      for (let rep = 0; rep < 3; rep++) {
        const pose = { yaw, pitch: rng.uniform(-25, 25), roll: rng.uniform(-30, 30) };
        const scale = rng.uniform(0.5, 2);
        const s = projectWeakPerspective(t, pose, scale, rng.uniform(50, 200), rng.uniform(50, 200));
        // noise: 0.5% of the face width
        const sigma = 0.005 * 147 * scale;
        for (let i = 0; i < s.length; i++) s[i] += rng.normal() * sigma;
        const fit = poseFit(s);
        const e = Math.max(
          angleDiff(fit.pose.yaw, pose.yaw),
          Math.abs(fit.pose.pitch - pose.pitch),
          angleDiff(fit.pose.roll, pose.roll),
        );
        worst = Math.max(worst, e);
        assert.ok(e < 2, `pose ${JSON.stringify(pose)} fitted ${JSON.stringify(fit.pose)}`);
        assert.ok(Math.abs(fit.scale / scale - 1) < 0.03, `scale ${fit.scale} vs ${scale}`);
        assert.ok(fit.residual < 2 * sigma, `residual ${fit.residual} vs noise ${sigma}`);
        expectClose(
          fit.projected,
          projectWeakPerspective(t, fit.pose, fit.scale, ...fit.translation),
          1e-3,
          'projected',
        );
      }
    }
    console.log(`      worst angle error over 51 noisy fits: ${worst.toFixed(3)}°`);
  });

  it('poseFit is exact without noise and honours weights', () => {
    const t = template3d();
    const pose = { yaw: 55, pitch: -12, roll: 8 };
    const s = projectWeakPerspective(t, pose, 1.3, 90, 110);
    const fit = poseFit(s);
    assert.ok(fit.residual < 1e-3, `residual ${fit.residual}`);
    assert.ok(
      angleDiff(fit.pose.yaw, 55) < 1e-3 &&
        Math.abs(fit.pose.pitch + 12) < 1e-3 &&
        angleDiff(fit.pose.roll, 8) < 1e-3,
    );
    expectClose(fit.translation, [90, 110], 1e-2, 'translation');
    // corrupt the jaw and give it zero weight: the pose is unaffected
    const bad = Float32Array.from(s);
    const w = new Float32Array(68).fill(1);
    for (const i of G.jaw) {
      bad[2 * i] += 40;
      w[i] = 0;
    }
    const fw = poseFit(bad, { weights: w });
    assert.ok(angleDiff(fw.pose.yaw, 55) < 1e-2, `weighted yaw ${fw.pose.yaw}`);
  });

  it('poses of real 300-W faces are within ±90 and mostly small', function () {
    const dir = requireSharedData(this, '300w-train/lfpw');
    const files = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.pts'))
      .sort()
      .slice(0, 60);
    const yaws: number[] = [];
    const pitches: number[] = [];
    const residuals: number[] = [];
    for (const f of files) {
      const s = readPts0(path.join(dir, f));
      const fit = poseFit(s);
      yaws.push(fit.pose.yaw);
      pitches.push(fit.pose.pitch);
      residuals.push(fit.residual / interOcular(s));
      assert.ok(
        Math.abs(fit.pose.yaw) <= 90 && Math.abs(fit.pose.pitch) <= 90,
        `${f}: ${JSON.stringify(fit.pose)}`,
      );
    }
    // The template is symmetric, so the fit is equivariant under flipping: yaw and roll change sign.
    for (const f of files.slice(0, 10)) {
      const s = readPts0(path.join(dir, f));
      const a = poseFit(s).pose;
      const b = poseFit(shapeFlip(s, 256)).pose;
      assert.ok(
        Math.abs(a.yaw + b.yaw) < 0.05 &&
          Math.abs(a.pitch - b.pitch) < 0.05 &&
          Math.abs(a.roll + b.roll) < 0.05,
        `${f}: ${JSON.stringify(a)} vs flipped ${JSON.stringify(b)}`,
      );
    }
    const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
    const small = yaws.filter((y) => Math.abs(y) < 45).length / yaws.length;
    console.log(
      `      ${files.length} LFPW faces: median |yaw| ${med(yaws.map(Math.abs)).toFixed(1)}°, median pitch ${med(pitches).toFixed(1)}°, median residual/IOD ${med(residuals).toFixed(3)}`,
    );
    assert.ok(small > 0.8, `only ${(small * 100).toFixed(0)}% of |yaw| < 45`);
    assert.ok(
      med(residuals) < 0.1,
      'the template fits real faces to within 10% of the inter-ocular distance',
    );
  });
});

describe('landmarks: bad input', () => {
  const s68 = () => randomShape(new Rng(9), 68);
  it('wrong type, odd length and wrong point count are ShapeErrors naming the argument', () => {
    throwsNamed(
      () => shapeValidate('f', 'shape', [1, 2]),
      ShapeError,
      /f: argument 'shape' expected a Float32Array.*got array of length 2/,
    );
    throwsNamed(
      () => shapeBox(new Float32Array(3) as Float32Array),
      ShapeError,
      /shapeBox: argument 'shape' expected an even.*got length 3/,
    );
    throwsNamed(
      () => shapeValidate('f', 'shape', s68(), 5),
      ShapeError,
      /expected 5 points \(length 10\), got 68 points/,
    );
    throwsNamed(
      () => shapeRmsDistance(s68(), new Float32Array(10)),
      ShapeError,
      /shapeRmsDistance: argument 'b' expected 68 points/,
    );
    throwsNamed(
      () => procrustes(s68(), new Float32Array(134)),
      ShapeError,
      /procrustes: argument 'target' expected 68 points.*got 67 points/,
    );
    throwsNamed(
      () => poseFit(new Float32Array(10).map((_, i) => i)),
      ValueError,
      /poseFit: argument 'opts.template'/,
    );
    throwsNamed(() => shapeMean(new Float32Array(10), 68), ShapeError, /shapeMean: argument 'shapes'/);
  });
  it('NaN and infinite coordinates are ValueErrors naming the point', () => {
    const a = s68();
    a[2 * 7 + 1] = NaN;
    throwsNamed(
      () => shapeFlip(a, 100),
      ValueError,
      /shapeFlip: argument 'shape' expected finite coordinates, got y = NaN at point 7/,
    );
    const b = s68();
    b[2 * 30] = Infinity;
    throwsNamed(() => poseFit(b), ValueError, /poseFit: argument 'shape'.*x = Infinity at point 30/);
    throwsNamed(() => shapeMean([s68(), b], 68), ValueError, /shapeMean: argument 'shapes\[1\]'.*point 30/);
    throwsNamed(
      () => projectWeakPerspective(template3d(), { yaw: NaN, pitch: 0, roll: 0 }, 1, 0, 0),
      ValueError,
      /projectWeakPerspective: argument 'pose' expected a finite yaw/,
    );
  });
  it('zero-size and non-finite boxes are ValueErrors naming the argument', () => {
    throwsNamed(
      () => shapeToBox(s68(), { x: 0, y: 0, width: 0, height: 10 }),
      ValueError,
      /shapeToBox: argument 'box' expected a positive size, got width 0/,
    );
    throwsNamed(
      () => shapeFromBox(s68(), { x: 0, y: 0, width: 10, height: -1 }),
      ValueError,
      /shapeFromBox: argument 'box'.*height -1/,
    );
    throwsNamed(
      () => boxValidate('g', 'det', { x: Infinity, y: 0, width: 1, height: 1 }),
      ValueError,
      /g: argument 'det' expected a finite x/,
    );
    throwsNamed(
      () => shapeToBox(s68(), shapeBox(new Float32Array(136))),
      ValueError,
      /shapeToBox: argument 'box'/,
    );
  });
  it('degenerate inputs are refused rather than giving NaN', () => {
    throwsNamed(
      () => procrustes(new Float32Array(136).fill(3), s68()),
      ValueError,
      /procrustes: argument 'source'.*distinct/,
    );
    throwsNamed(
      () => poseFromRotation([1, 0, 0, 0, 1, 0, 0, 0, -1]),
      ValueError,
      /poseFromRotation: argument 'R' expected a rotation/,
    );
  });
});
