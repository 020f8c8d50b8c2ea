/** The face data in data/face: the james → iBUG-68 landmark mapping, the canonical frame, the anchors. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ibug68 } from '../src/landmarks/scheme';
import { buildFaceMesh } from '../src/data/synth/faceMeshBuild';
import { loadFaceModel } from '../src/data/synth/faceModel';
import { jamesToIbug } from '../src/data/synth/jamesMapping';
import { expectClose, requireSharedData } from './helpers';

/** Mean distance (mm) between each landmark and the x-reflection of its mirror partner. */
function mirrorError(lm: Float32Array, mirror: Int32Array): number {
  let e = 0;
  for (let i = 0; i < mirror.length; i++) {
    const j = mirror[i];
    e += Math.hypot(lm[3 * i] + lm[3 * j], lm[3 * i + 1] - lm[3 * j + 1], lm[3 * i + 2] - lm[3 * j + 2]);
  }
  return e / mirror.length;
}

describe('synth face data', () => {
  const model = loadFaceModel();
  const lm = model.landmarks;
  const x = (i: number): number => lm[3 * i];
  const y = (i: number): number => lm[3 * i + 1];
  const z = (i: number): number => lm[3 * i + 2];

  it('maps james.ljson groups onto iBUG-68 so that the face is mirror-symmetric', () => {
    const err = mirrorError(lm, ibug68.mirror as Int32Array);
    // a real (asymmetric) face: a few millimetres on average
    assert.ok(err < 4, `mean mirror error ${err.toFixed(2)} mm`);
    // an off-by-one inside the eye groups (a plausible mapping bug) breaks the symmetry badly
    const shifted = Float32Array.from(lm);
    for (const eye of [ibug68.groups.rightEye, ibug68.groups.leftEye]) {
      eye.forEach((p, k) => shifted.set(lm.subarray(3 * eye[(k + 1) % 6], 3 * eye[(k + 1) % 6] + 3), 3 * p));
    }
    const bad = mirrorError(shifted, ibug68.mirror as Int32Array);
    assert.ok(bad > 1.5 * err, `off-by-one mapping: ${bad.toFixed(2)} mm`);
    console.log(
      `      mean mirror error ${err.toFixed(2)} mm (off-by-one eye mapping: ${bad.toFixed(2)} mm)`,
    );
  });

  it('puts the eye corners, nose tip and chin where the scheme says', () => {
    const ec = ibug68.eyeCorners!;
    // subject's right eye on the image's left (x < 0): outer corner further out than the inner one
    assert.ok(x(ec.right[0]) < x(ec.right[1]) && x(ec.right[1]) < 0);
    assert.ok(x(ec.left[0]) > x(ec.left[1]) && x(ec.left[1]) > 0);
    // nose tip closest to the camera (z away from the viewer), chin lowest (y down)
    const tip = ibug68.noseTip!;
    for (let i = 0; i < 68; i++) if (i !== tip) assert.ok(z(tip) < z(i), `nose tip behind point ${i}`);
    const jaw = ibug68.groups.jaw;
    const chin = jaw[(jaw.length - 1) / 2];
    for (let i = 0; i < 68; i++) if (i !== chin) assert.ok(y(chin) >= y(i), `point ${i} below the chin`);
    // the upper lids are above the lower lids
    const eye = ibug68.groups.rightEye;
    assert.ok(y(eye[1]) < y(eye[5]) && y(eye[2]) < y(eye[4]));
  });

  it('anchors every landmark on the surface (the scan gives free points, not vertices)', () => {
    const meta = JSON.parse(
      fs.readFileSync(path.join(__dirname, '..', 'data', 'face', 'face.json'), 'utf8'),
    ) as {
      landmarkDistance: number[];
    };
    const inner = new Set<number>(ibug68.groups.innerLips);
    meta.landmarkDistance.forEach((d, i) =>
      assert.ok(d < (inner.has(i) ? 1.5 : 0.2), `landmark ${i}: ${d} mm`),
    );
    // barycentric weights are a convex combination
    for (let l = 0; l < 68; l++) {
      const w = model.landmarkBary.subarray(3 * l, 3 * l + 3);
      assert.ok(Math.abs(w[0] + w[1] + w[2] - 1) < 1e-5 && Math.min(...w) >= -1e-6);
    }
    assert.equal(model.nVertices, 6680);
    assert.equal(model.triangles.length / 3, 12228);
  });

  it('rebuilds the stored mesh from ../shared/data/3d', function () {
    const dir = requireSharedData(this, '3d');
    const mesh = buildFaceMesh(
      fs.readFileSync(path.join(dir, 'james.obj'), 'utf8'),
      fs.readFileSync(path.join(dir, 'james.ljson'), 'utf8'),
    );
    expectClose(mesh.positions, model.positions, 1e-4, 'positions');
    expectClose(mesh.landmarks, model.landmarks, 1e-3, 'landmarks');
    const lj = JSON.parse(fs.readFileSync(path.join(dir, 'james.ljson'), 'utf8')) as {
      groups: { LJSON: { labels: Array<{ label: string; mask: number[] }> } };
    };
    const perm = jamesToIbug(lj.groups.LJSON.labels);
    assert.equal(new Set(perm).size, 68, 'a permutation');
    assert.throws(
      () => jamesToIbug(lj.groups.LJSON.labels.filter((l) => l.label !== 'nose')),
      /no label 'nose'/,
    );
  });
});
