import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ShapeError, ValueError } from '../src/errors';
import { boxJitter, cascadeApply, gradientMaps, hogDescriptors, hogSpec, trainCascade } from '../src/refine';
import { predict } from '../src/model/predict';
import { Rng } from '../src/util/rng';
import { meanPointError, tinyRefineSetup, type TinyRefineSetup } from './refineFixtures';

/** A width × height image from f(x, y). */
function image(width: number, height: number, f: (x: number, y: number) => number): Float32Array {
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[y * width + x] = f(x, y);
  return out;
}

/** The descriptor of one point of the size × size image f, with 4 bins. */
function hogAt(
  f: (x: number, y: number) => number,
  size: number,
  u: number,
  cells = 1,
  cellSize = 4,
): Float32Array {
  const maps = gradientMaps(image(size, size, f), size, size);
  return hogDescriptors(maps, Float32Array.from([u, u]), hogSpec('t', { cells, cellSize, bins: 4 }));
}

describe('refine: HOG descriptors (hand-computed cases)', () => {
  it('gradientMaps: central differences, 0 on the border', () => {
    const g = gradientMaps(
      image(4, 3, (x, y) => x * x + 10 * y),
      4,
      3,
    );
    // interior x = 1: (4 − 0) / 2; x = 2: (9 − 1) / 2; border columns 0
    assert.deepEqual(Array.from(g.gx.subarray(4, 8)), [0, 2, 4, 0]);
    assert.deepEqual(Array.from(g.gy.subarray(4, 8)), [10, 10, 10, 10]);
    assert.deepEqual(Array.from(g.gy.subarray(0, 4)), [0, 0, 0, 0]);
  });

  it('a vertical step edge puts all its mass in bin 0 of every cell', () => {
    // step between x = 9 and 10: gx = 0.5 at x = 9 and 10, gy = 0
    const step = (x: number): number => (x >= 10 ? 1 : 0);
    const one = hogAt(step, 20, 9.5);
    // samples at u, v ∈ {8, 9, 10, 11}: 8 samples of magnitude 0.5 at angle 0 → [4, 0, 0, 0], normalised
    assert.ok(Math.abs(one[0] - 4 / Math.sqrt(16 + 1e-6)) < 1e-7);
    assert.deepEqual(Array.from(one.subarray(1)), [0, 0, 0]);
    const four = hogAt(step, 20, 9.5, 2, 2);
    // each 2 × 2 cell holds one column on the edge: 2 samples × 0.5 = 1 in bin 0 → [1, 0, 0, 0] × 4 / 2
    const want = [0.5, 0, 0, 0, 0.5, 0, 0, 0, 0.5, 0, 0, 0, 0.5, 0, 0, 0];
    four.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `${i}: ${v}`));
  });

  it('orientation votes split linearly between the two nearest bins', () => {
    // a ramp with gradient (1, tan 22.5°): θ = π/8, halfway between bin 0 (0) and bin 1 (π/4) with 4 bins
    const t = Math.tan(Math.PI / 8);
    const d = hogAt((x, y) => x + t * y, 16, 7);
    assert.ok(Math.abs(d[0] - d[1]) < 1e-5 && d[0] > 0.7, `${d[0]} ${d[1]}`);
    assert.ok(Math.abs(d[2]) < 1e-6 && Math.abs(d[3]) < 1e-6);
    // a 45° ramp lands on bin 1 alone; a horizontal edge (gradient along y, θ = π/2) on bin 2
    const diag = hogAt((x, y) => x + y, 16, 7);
    assert.ok(Math.abs(diag[1] - 1) < 1e-6);
    const horiz = hogAt((_, y) => y, 16, 7);
    assert.ok(Math.abs(horiz[2] - 1) < 1e-6);
  });

  it('a constant image or a point far outside gives zeros, never NaN; bad input is named', () => {
    const spec = hogSpec('t');
    const flat = hogDescriptors(
      gradientMaps(new Float32Array(100).fill(0.3), 10, 10),
      Float32Array.from([5, 5, -50, 400]),
      spec,
    );
    assert.equal(flat.length, 2 * 2 * 2 * 6);
    assert.ok(flat.every((v) => v === 0));
    assert.throws(
      () => gradientMaps(new Float32Array(5), 2, 2),
      /gradientMaps: argument 'gray' expected a Float32Array of 2·2 = 4 values/,
    );
    const maps = gradientMaps(new Float32Array(4), 2, 2);
    assert.throws(() => hogDescriptors(maps, Float32Array.from([1, NaN]), spec), ValueError);
    assert.throws(() => hogDescriptors(maps, Float32Array.from([1]), spec), ShapeError);
    assert.throws(() => hogSpec('f', { bins: 0 }), /f: argument 'hog.bins'/);
  });
});

describe('refine: cascade', function () {
  this.timeout(300_000);
  let setup: TinyRefineSetup;
  before(async () => {
    setup = await tinyRefineSetup();
  });
  after(() => setup?.model.dispose());

  it('lowers the validation error stage by stage from the classifier shape, without leaking tensors', () => {
    const { model, trainSet, valSet } = setup;
    const cascade = trainCascade(model, trainSet, {
      stages: 3,
      clusters: 2,
      minExamples: 50,
      frameSize: 32,
      hog: { cellSize: 3 },
      starts: 2,
    });
    assert.equal(cascade.global.length, 3);
    assert.equal(cascade.clusters.length, 2);
    assert.equal(cascade.trainErrors.length, 4);
    assert.ok(cascade.trainErrors[3] < cascade.trainErrors[0]);
    const before = tf.memory().numTensors;
    let start = 0;
    let end = 0;
    const rng = new Rng(4);
    for (const s of valSet) {
      // a box off the landmarks' box, as a refined detection is: the classifier's shape is then off too
      const box = boxJitter(s.box, rng, { centre: 0.08, scale: 0.08 });
      const p = predict(model, s.image, box);
      const r = cascadeApply(cascade, s.image, box, p.expectedShape, p.topK[0].index);
      assert.equal(r.stages.length, 4);
      assert.deepEqual(r.stages[0], p.expectedShape);
      assert.equal(r.shape, r.stages[3]);
      start += meanPointError(p.expectedShape, s.landmarks);
      end += meanPointError(r.shape, s.landmarks);
    }
    assert.equal(tf.memory().numTensors, before);
    assert.ok(
      end < 0.8 * start,
      `cascade ${end / valSet.length} px vs classifier ${start / valSet.length} px`,
    );
  });

  it('names bad input: another point count or scheme, another model, an empty data set', () => {
    const { model, trainSet } = setup;
    const cascade = trainCascade(model, trainSet.slice(0, 30), {
      stages: 1,
      clusters: 1,
      frameSize: 16,
      hog: { cellSize: 2 },
    });
    const s = trainSet[0];
    assert.throws(
      () => cascadeApply(cascade, s.image, s.box, new Float32Array(136), 0),
      /cascadeApply: argument 'cascade' was trained for 5 points \(scheme generic5\), got shapes of 68 points \(scheme ibug68\)/,
    );
    assert.throws(
      () => cascadeApply({ ...cascade, scheme: 'other' }, s.image, s.box, s.landmarks, 0),
      ShapeError,
    );
    assert.throws(() => cascadeApply(cascade, s.image, s.box, s.landmarks, model.K + 3), /topClass/);
    assert.throws(
      () => cascadeApply(cascade, s.image, s.box, Float32Array.from(s.landmarks).fill(NaN), 0),
      ValueError,
    );
    assert.throws(() => cascadeApply({} as never, s.image, s.box, s.landmarks, 0), /expected a Cascade/);
    assert.throws(
      () => trainCascade(model, []),
      /trainCascade: argument 'samples' expected a non-empty array of samples/,
    );
    assert.throws(() => trainCascade(model, trainSet.slice(0, 3), { stages: 0 }), /opts.stages/);
  });
});
