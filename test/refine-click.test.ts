import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ShapeError, ValueError } from '../src/errors';
import {
  cascadeApply,
  clickedLandmarks,
  landmarksInBoxes,
  boxJitter,
  trainBoxRefiner,
  trainCascade,
  type FaceLandmarks,
  type LandmarkPipeline,
} from '../src/refine';
import { Rng } from '../src/util/rng';
import { meanPointError, tinyRefineSetup, type TinyRefineSetup } from './refineFixtures';

describe('refine: clickedLandmarks (one simulated click)', function () {
  this.timeout(300_000);
  let setup: TinyRefineSetup;
  let pipeline: LandmarkPipeline;
  let faces: FaceLandmarks[];
  before(async () => {
    setup = await tinyRefineSetup();
    const { model, trainSet, valSet } = setup;
    const cascade = trainCascade(model, trainSet, {
      stages: 2,
      clusters: 1,
      frameSize: 32,
      hog: { cellSize: 3 },
    });
    pipeline = { model, refiner: null, cascade };
    faces = landmarksInBoxes(
      pipeline,
      valSet.map((s) => ({ image: s.image, box: s.box })),
    );
  });
  after(() => setup?.model.dispose());

  const pointError = (a: Float32Array, b: Float32Array, j: number): number =>
    Math.hypot(a[2 * j] - b[2 * j], a[2 * j + 1] - b[2 * j + 1]);

  it('puts the clicked landmark on its truth (with and without the cascade) and lowers the mean error', () => {
    const { valSet } = setup;
    const before = tf.memory().numTensors;
    for (const click of [2, 'oracle', 'suggested'] as const) {
      let none = 0;
      let snapped = 0;
      let cascaded = 0;
      let noneCascaded = 0;
      faces.forEach((f, i) => {
        const truth = valSet[i].landmarks;
        const c = clickedLandmarks(pipeline, valSet[i].image, f, truth, click);
        if (click === 2) assert.equal(c.landmark, 2);
        assert.equal(c.stages.length, 3);
        assert.ok(pointError(c.snapped, truth, c.landmark) < 1e-3);
        assert.ok(pointError(c.landmarks, truth, c.landmark) < 1e-3);
        assert.deepEqual(c.click, { x: truth[2 * c.landmark], y: truth[2 * c.landmark + 1] });
        const plain = clickedLandmarks(pipeline, valSet[i].image, f, truth, c.landmark, { cascade: false });
        assert.deepEqual(plain.landmarks, plain.snapped);
        none += meanPointError(f.classifierShape, truth);
        snapped += meanPointError(c.snapped, truth);
        cascaded += meanPointError(c.landmarks, truth);
        noneCascaded += meanPointError(f.landmarks, truth);
      });
      assert.ok(snapped < none, `${click}: snapped ${snapped} vs no click ${none}`);
      if (click === 'oracle')
        assert.ok(cascaded < noneCascaded, `${click}: cascaded ${cascaded} vs ${noneCascaded}`);
    }
    assert.equal(tf.memory().numTensors, before);
  });

  it('one-pass faces: conditions in the box the classifier ran in, runs the cascade in the refined box', () => {
    const { model, trainSet, valSet } = setup;
    const withRefiner: LandmarkPipeline = {
      ...pipeline,
      refiner: trainBoxRefiner(model, trainSet, { perFace: 4, iterations: 1, seed: 2 }),
    };
    const rng = new Rng(3);
    const items = valSet.map((s) => ({
      image: s.image,
      box: boxJitter(s.box, rng, { centre: 0.1, scale: 0.1 }),
    }));
    const fast = landmarksInBoxes(withRefiner, items, { reclassify: false });
    let none = 0;
    let clicked = 0;
    fast.forEach((f, i) => {
      assert.deepEqual(f.prediction.box, items[i].box);
      const truth = valSet[i].landmarks;
      const c = clickedLandmarks(withRefiner, valSet[i].image, f, truth, 2, { cascade: false });
      assert.ok(pointError(c.snapped, truth, 2) < 1e-3);
      // the snapped shape is the conditional regression in the classifier's box: with no cascade, the other points
      // stay near that box's prediction
      none += meanPointError(f.classifierShape, truth);
      clicked += meanPointError(c.snapped, truth);
      const run = clickedLandmarks(withRefiner, valSet[i].image, f, truth, 2);
      assert.ok(pointError(run.landmarks, truth, 2) < 1e-3);
    });
    assert.ok(clicked < none, `one pass: clicked ${clicked} vs no click ${none}`);
  });

  it('cascadeApply keeps pinned points on their pixels after every stage', () => {
    const s = setup.valSet[0];
    const f = faces[0];
    const run = cascadeApply(pipeline.cascade!, s.image, f.refinedBox, f.classifierShape, 0, {
      pinned: [{ point: 1, x: 10, y: 12 }],
    });
    for (const st of run.stages) {
      assert.ok(Math.abs(st[2] - 10) < 1e-3 && Math.abs(st[3] - 12) < 1e-3);
    }
    assert.throws(
      () =>
        cascadeApply(pipeline.cascade!, s.image, f.refinedBox, f.classifierShape, 0, {
          pinned: [{ point: 9, x: 1, y: 1 }],
        }),
      /cascadeApply: argument 'opts.pinned\[0\].point'/,
    );
    assert.throws(
      () =>
        cascadeApply(pipeline.cascade!, s.image, f.refinedBox, f.classifierShape, 0, {
          pinned: [{ point: 1, x: NaN, y: 1 }],
        }),
      (e: Error) => e instanceof ValueError && /expected finite x and y/.test(e.message),
    );
  });

  it('names bad click specs, truths and faces', () => {
    const s = setup.valSet[0];
    const f = faces[0];
    const call =
      (click: unknown, truth: Float32Array = s.landmarks, face: unknown = f) =>
      () =>
        clickedLandmarks(pipeline, s.image, face as FaceLandmarks, truth, click as 'oracle');
    assert.throws(
      call({ landmark: 1 }),
      (e: Error) =>
        e instanceof ValueError && /argument 'click' expected 'suggested', 'oracle'/.test(e.message),
    );
    assert.throws(
      call('chin'),
      (e: Error) =>
        e instanceof ValueError &&
        /clickedLandmarks: argument 'click' expected a landmark of scheme/.test(e.message),
    );
    assert.throws(call(5), /argument 'click' expected a landmark .* got 5/);
    assert.throws(
      call(0, new Float32Array(4)),
      (e: Error) => e instanceof ShapeError && /argument 'truth' expected 10 values/.test(e.message),
    );
    assert.throws(call(0, new Float32Array(10).fill(NaN)), /argument 'truth' expected finite coordinates/);
    assert.throws(
      call(0, s.landmarks, { refinedBox: f.refinedBox }),
      /argument 'face' expected a landmarksInBoxes result/,
    );
  });
});
