import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { ShapeError, ValueError } from '../src/errors';
import {
  boxApplyDelta,
  boxDelta,
  boxJitter,
  refineBox,
  refineBoxes,
  ridgeApply,
  ridgeFit,
  trainBoxRefiner,
} from '../src/refine';
import { choleskySolve } from '../src/refine/cholesky';
import type { Box } from '../src/types';
import { Rng } from '../src/util/rng';
import { initBackend } from './modelFixtures';
import { tinyRefineSetup, type TinyRefineSetup } from './refineFixtures';

/** |centre shift| / size + |log scale| between two boxes. */
function boxGap(a: Box, b: Box): number {
  const d = boxDelta(a, b);
  return Math.hypot(d[0], d[1]) + Math.hypot(d[2], d[3]);
}

describe('refine: box deltas and jitter', () => {
  it('boxApplyDelta inverts boxDelta', () => {
    const a = { x: 10, y: 20, width: 40, height: 30 };
    const b = { x: 14, y: 15, width: 52, height: 27 };
    const d = boxDelta(a, b);
    assert.ok(Math.abs(d[0] - (40 - 30) / 40) < 1e-6, 'centre shift in box widths');
    assert.ok(Math.abs(d[2] - Math.log(52 / 40)) < 1e-6);
    const back = boxApplyDelta(a, d);
    for (const k of ['x', 'y', 'width', 'height'] as const) assert.ok(Math.abs(back[k] - b[k]) < 1e-4, k);
  });

  it('boxJitter stays within its centre and scale bounds and is seeded', () => {
    const box = { x: 0, y: 0, width: 100, height: 100 };
    const a = Array.from(
      { length: 200 },
      (
        (r) => () =>
          boxJitter(box, r, { centre: 0.2, scale: 0.3, aspect: 0 })
      )(new Rng(3)),
    );
    const b = Array.from(
      { length: 200 },
      (
        (r) => () =>
          boxJitter(box, r, { centre: 0.2, scale: 0.3, aspect: 0 })
      )(new Rng(3)),
    );
    assert.deepEqual(a, b);
    for (const j of a) {
      const d = boxDelta(box, j);
      assert.ok(Math.abs(d[0]) <= 0.2 + 1e-9 && Math.abs(d[1]) <= 0.2 + 1e-9);
      assert.ok(j.width >= 70 - 1e-9 && j.width <= 130 + 1e-9 && Math.abs(j.width - j.height) < 1e-9);
    }
  });
});

describe('refine: ridge regression', () => {
  before(async () => {
    await initBackend();
  });

  it('recovers a linear map (primal and dual forms agree) without leaking tensors', () => {
    const rng = new Rng(1);
    const d = 6;
    const m = 3;
    const W = Float32Array.from({ length: d * m }, () => rng.normal());
    const make = (n: number) => {
      const X = Float32Array.from({ length: n * d }, () => rng.normal());
      const Y = new Float32Array(n * m);
      for (let r = 0; r < n; r++)
        for (let j = 0; j < m; j++) {
          let s = 0.5 * j;
          for (let i = 0; i < d; i++) s += X[r * d + i] * W[i * m + j];
          Y[r * m + j] = s;
        }
      return { X, Y };
    };
    const before = tf.memory().numTensors;
    const { X, Y } = make(200);
    const fit = ridgeFit(X, d, Y, m, { lambda: 1e-8 });
    assert.equal(tf.memory().numTensors, before);
    fit.weights.forEach((w, i) => assert.ok(Math.abs(w - W[i]) < 1e-3, `w[${i}]`));
    fit.bias.forEach((b, j) => assert.ok(Math.abs(b - 0.5 * j) < 1e-3, `b[${j}]`));
    const pred = ridgeApply(fit, X.subarray(0, d));
    pred.forEach((v, j) => assert.ok(Math.abs(v - Y[j]) < 1e-3));
    // fewer rows than features: the dual form gives the same ridge solution as a direct primal solve
    const small = make(4);
    const lambda = 0.3;
    const dual = ridgeFit(small.X, d, small.Y, m, { lambda });
    // the dual solution satisfies the primal normal equations (Xcᵀ Xc + λI) W = Xcᵀ Yc
    const n = 4;
    const xm = Array.from(
      { length: d },
      (_, i) => [0, 1, 2, 3].reduce((s, r) => s + small.X[r * d + i], 0) / n,
    );
    const ym = Array.from(
      { length: m },
      (_, j) => [0, 1, 2, 3].reduce((s, r) => s + small.Y[r * m + j], 0) / n,
    );
    let trace = 0;
    for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) trace += (small.X[r * d + i] - xm[i]) ** 2;
    const pen = (lambda * trace) / d;
    for (let i = 0; i < d; i++)
      for (let j = 0; j < m; j++) {
        let lhs = pen * dual.weights[i * m + j];
        let rhs = 0;
        for (let r = 0; r < n; r++) {
          const xi = small.X[r * d + i] - xm[i];
          let xw = 0;
          for (let k = 0; k < d; k++) xw += (small.X[r * d + k] - xm[k]) * dual.weights[k * m + j];
          lhs += xi * xw;
          rhs += xi * (small.Y[r * m + j] - ym[j]);
        }
        assert.ok(Math.abs(lhs - rhs) < 1e-3, `normal equation (${i}, ${j}): ${lhs} vs ${rhs}`);
      }
  });

  it('choleskySolve matches ml-matrix on a random SPD system', () => {
    const rng = new Rng(2);
    const d = 40;
    const m = 5;
    const Z = Array.from({ length: 60 * d }, () => rng.normal());
    const A = new Float64Array(d * d);
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) {
        let s = i === j ? 1 : 0;
        for (let k = 0; k < 60; k++) s += Z[k * d + i] * Z[k * d + j];
        A[i * d + j] = s;
      }
    const B = Float64Array.from({ length: d * m }, () => rng.normal());
    const ours = choleskySolve(A, d, B, m);
    const ref = new CholeskyDecomposition(
      new Matrix(Array.from({ length: d }, (_, i) => Array.from(A.subarray(i * d, (i + 1) * d)))),
    ).solve(new Matrix(Array.from({ length: d }, (_, i) => Array.from(B.subarray(i * m, (i + 1) * m)))));
    for (let i = 0; i < d; i++)
      for (let j = 0; j < m; j++) assert.ok(Math.abs(ours[i * m + j] - ref.get(i, j)) < 1e-9);
    assert.throws(() => choleskySolve(new Float64Array([1, 2, 2, 1]), 2, new Float64Array(2), 1), ValueError);
  });

  it('names bad input', () => {
    assert.throws(
      () => ridgeFit(new Float32Array(0), 2, new Float32Array(0), 1),
      /ridgeFit: argument 'X' expected a non-empty Float32Array of rows of 2/,
    );
    assert.throws(() => ridgeFit(new Float32Array(6), 2, new Float32Array(2), 1), ShapeError);
    assert.throws(() => ridgeFit(new Float32Array(6), 2, new Float32Array(3), 1, { lambda: -1 }), ValueError);
    assert.throws(
      () => ridgeFit(Float32Array.from([1, NaN, 2, 3]), 2, new Float32Array(2), 1),
      /non-finite Gram/,
    );
  });
});

describe('refine: box refiner', function () {
  this.timeout(120_000);
  let setup: TinyRefineSetup;
  before(async () => {
    setup = await tinyRefineSetup();
  });
  after(() => setup?.model.dispose());

  it('moves drifted boxes back towards the landmarks box, more with iterations, without leaking tensors', () => {
    const { model, trainSet, valSet } = setup;
    const refiner = trainBoxRefiner(model, trainSet, { perFace: 8, seed: 1 });
    assert.equal(refiner.examples, trainSet.length * 8);
    const rng = new Rng(9);
    const drifted = valSet.map((s) => boxJitter(s.box, rng, { centre: 0.2, scale: 0.3 }));
    const before = tf.memory().numTensors;
    const once = refineBoxes(
      refiner,
      model,
      valSet.map((s, i) => ({ image: s.image, box: drifted[i] })),
      { iterations: 1 },
    );
    const twice = refineBoxes(
      refiner,
      model,
      valSet.map((s, i) => ({ image: s.image, box: drifted[i] })),
      { iterations: 2 },
    );
    assert.equal(tf.memory().numTensors, before);
    const gap = (bs: Box[]) => bs.reduce((a, b, i) => a + boxGap(b, valSet[i].box), 0) / bs.length;
    const g0 = gap(drifted);
    const g1 = gap(once);
    const g2 = gap(twice);
    assert.ok(g1 < 0.8 * g0, `one step: ${g1} vs drifted ${g0}`);
    assert.ok(g2 <= g1 * 1.05, `two steps: ${g2} vs one ${g1}`);
    const zero = refineBoxes(refiner, model, [{ image: valSet[0].image, box: drifted[0] }], {
      iterations: 0,
    });
    assert.deepEqual(zero[0], drifted[0]);
    // one face (JavaScript product) and a batch (engine matMul) agree to float32 rounding
    const single = refineBox(refiner, model, valSet[0].image, drifted[0], { iterations: 1 });
    for (const k of ['x', 'y', 'width', 'height'] as const)
      assert.ok(Math.abs(single[k] - once[0][k]) < 1e-4, k);
  });

  it("learns a detector's convention: boxes 1.4× larger and shifted down map back", () => {
    const { model, trainSet, valSet } = setup;
    const convention = (b: Box): Box => boxApplyDelta(b, [0.02, 0.15, Math.log(1.4), Math.log(1.5)]);
    const refiner = trainBoxRefiner(model, trainSet, {
      perFace: 2,
      jitter: { centre: 0.05, scale: 0.05 },
      detections: trainSet.map((s, i) => (i % 10 === 0 ? undefined : convention(s.box))),
      perDetection: 3,
      seed: 2,
    });
    const det = valSet.map((s) => convention(s.box));
    const refined = refineBoxes(
      refiner,
      model,
      valSet.map((s, i) => ({ image: s.image, box: det[i] })),
    );
    const gap = (bs: Box[]) => bs.reduce((a, b, i) => a + boxGap(b, valSet[i].box), 0) / bs.length;
    assert.ok(gap(refined) < 0.4 * gap(det), `refined ${gap(refined)} vs detector ${gap(det)}`);
  });

  it('names bad input: empty data, wrong point count, detections of another length, another model', () => {
    const { model, trainSet } = setup;
    assert.throws(
      () => trainBoxRefiner(model, []),
      /trainBoxRefiner: argument 'samples' expected a non-empty array of samples/,
    );
    const wrong = { ...trainSet[0], landmarks: new Float32Array(136) };
    assert.throws(() => trainBoxRefiner(model, [wrong]), /samples\[0\]\.landmarks' expected 5 points/);
    assert.throws(() => trainBoxRefiner(model, trainSet, { detections: [undefined] }), ShapeError);
    assert.throws(() => trainBoxRefiner(model, trainSet.slice(0, 2), { perFace: 0 }), /no training boxes/);
    const refiner = trainBoxRefiner(model, trainSet.slice(0, 20), { perFace: 2 });
    const other = { ...refiner, featureDim: 99 };
    assert.throws(
      () => refineBoxes(other, model, [{ image: trainSet[0].image, box: trainSet[0].box }]),
      /refineBoxes: argument 'refiner' was trained for a model with D = 99/,
    );
    assert.throws(() => refineBoxes({} as never, model, []), /expected a BoxRefiner/);
    assert.throws(
      () =>
        refineBoxes(refiner, model, [
          { image: trainSet[0].image, box: { x: 0, y: 0, width: -1, height: 1 } },
        ]),
      ValueError,
    );
  });
});
