import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FormatError, ShapeError, ValueError } from '../src/errors';
import {
  boxJitter,
  evaluatePipeline,
  landmarksInBoxes,
  loadPipeline,
  savePipeline,
  pointSpread,
  trainBoxRefiner,
  trainCascade,
  trainLandmarkPipeline,
  type CascadeFront,
  type PipelineClassifierOptions,
  type FaceLandmarks,
  type LandmarkPipeline,
} from '../src/refine';
import { shapeFromBox } from '../src/landmarks/box';
import type { Box, Sample } from '../src/types';
import { Rng } from '../src/util/rng';
import { tinySamples } from './modelFixtures';
import { meanPointError, tinyPipeline, tinyRefineSetup, type TinyRefineSetup } from './refineFixtures';

describe('refine: pointSpread', () => {
  it('is the posterior spread of each point in pixels (hand-computed)', () => {
    // two classes of 2 points; point 0 differs by 0.2 box widths in x, point 1 by 0.1 box heights in y
    const centers = Float32Array.from([0.4, 0.5, 0.5, 0.5, 0.6, 0.5, 0.5, 0.6]);
    const box = { x: 0, y: 0, width: 10, height: 20 };
    const sd = pointSpread(Float32Array.from([0.5, 0.5]), centers, 2, box, { tolerance: 0 });
    assert.ok(Math.abs(sd[0] - 1) < 1e-6, `${sd[0]}`); // ±0.1 · 10 px
    assert.ok(Math.abs(sd[1] - 1) < 1e-6, `${sd[1]}`); // ±0.05 · 20 px
    const sure = pointSpread(Float32Array.from([1, 0]), centers, 2, box);
    assert.deepEqual(Array.from(sure), [0, 0]);
    assert.throws(
      () => pointSpread(Float32Array.from([1]), centers, 2, box),
      /one centre per posterior class/,
    );
    assert.throws(
      () => pointSpread(Float32Array.from([0.5, 0.5]), centers, 2, { x: 0, y: 0, width: 0, height: 1 }),
      ValueError,
    );
  });
});

/** A classifier small enough to train in a second (tests of the one-call trainer). */
const TINY_CLASSIFIER: PipelineClassifierOptions = {
  epochs: 1,
  input: { size: 16 },
  widths: [8],
  featureDim: 8,
  batchSize: 16,
  tau: 0.1,
};

describe('refine: pipeline', function () {
  this.timeout(300_000);
  let setup: TinyRefineSetup;
  let pipeline: LandmarkPipeline;
  before(async () => {
    setup = await tinyRefineSetup();
    pipeline = tinyPipeline(setup);
  });
  after(() => setup?.model.dispose());

  it('landmarksInBoxes: refined box, final landmarks, stages, posterior and spread per face; no leaked tensors', () => {
    const { valSet, model } = setup;
    const rng = new Rng(5);
    const items = valSet.map((s) => ({
      image: s.image,
      box: boxJitter(s.box, rng, { centre: 0.2, scale: 0.3 }),
    }));
    const before = tf.memory().numTensors;
    const full = landmarksInBoxes(pipeline, items);
    const plain = landmarksInBoxes(pipeline, items, { refine: false, cascade: false });
    assert.equal(tf.memory().numTensors, before);
    assert.equal(full.length, items.length);
    for (const f of full) {
      assert.equal(f.landmarks.length, 10);
      assert.equal(f.stages.length, 3);
      assert.equal(f.landmarks, f.stages[2]);
      assert.equal(f.pointSpread.length, 5);
      assert.ok(f.pointSpread.every((v) => Number.isFinite(v) && v >= 0));
      assert.equal(f.prediction.posterior.length, model.K);
      assert.ok(Math.abs(f.prediction.posterior.reduce((a, b) => a + b, 0) - 1) < 1e-4);
      assert.deepEqual(f.prediction.box, f.refinedBox);
    }
    plain.forEach((f, i) => {
      assert.deepEqual(f.refinedBox, items[i].box);
      assert.equal(f.landmarks, f.classifierShape);
    });
    const err = (fs: typeof full) =>
      fs.reduce((a, f, i) => a + meanPointError(f.landmarks, valSet[i].landmarks), 0) / fs.length;
    assert.ok(err(full) < 0.7 * err(plain), `refined + cascade ${err(full)} px vs plain ${err(plain)} px`);
    assert.deepEqual(landmarksInBoxes(pipeline, []), []);
    // one pass: the classifier's shape is that of the only forward pass, in the given box; the refiner reads that
    // pass's feature and gives the box the cascade works in
    const fast = landmarksInBoxes(pipeline, items, { reclassify: false });
    assert.equal(tf.memory().numTensors, before);
    fast.forEach((f, i) => {
      assert.deepEqual(f.prediction.box, items[i].box);
      assert.deepEqual(f.classifierShape, plain[i].classifierShape);
      assert.notDeepEqual(f.refinedBox, items[i].box);
      assert.notDeepEqual(f.landmarks, f.classifierShape);
    });
    assert.ok(err(fast) < err(plain), `one pass ${err(fast)} px vs plain ${err(plain)} px`);
  });

  it('evaluatePipeline scores every stage per box source, leaving out missed detections', async () => {
    const { valSet } = setup;
    const rng = new Rng(6);
    const drift = valSet.map((s) => boxJitter(s.box, rng, { centre: 0.2, scale: 0.3 }));
    const missing = valSet.map((s, i) => (i % 4 === 0 ? undefined : s.box));
    const [a, b] = await evaluatePipeline(
      pipeline,
      valSet,
      { drift, missing },
      { timedFaces: 3, protocol: { normalizations: ['bbox-diagonal'], points: ['all'] } },
    );
    assert.deepEqual(a.result.methods, [
      'classifier',
      'refined',
      'cascade 1',
      'cascade 2',
      'one pass: + cascade',
    ]);
    assert.ok(a.msPerFace['pipeline one pass'] > 0);
    assert.equal(a.faces, valSet.length);
    assert.equal(b.faces, valSet.length - Math.ceil(valSet.length / 4));
    const mean = (m: string) => a.result.rows.find((r) => r.method === m && r.points === 'all')?.mean ?? NaN;
    assert.ok(mean('cascade 2') < mean('classifier'), `${mean('cascade 2')} vs ${mean('classifier')}`);
    assert.ok(a.msPerFace.classifier > 0 && a.msPerFace.pipeline > 0);
    await assert.rejects(
      () => evaluatePipeline(pipeline, valSet, { short: [] }),
      /boxSets.short' expected one box/,
    );
    await assert.rejects(() => evaluatePipeline(pipeline, [], { x: [] }), /non-empty array of samples/);
  });

  it('names bad input: a cascade or refiner of another model, an empty training set', async () => {
    const { model, valSet } = setup;
    const items = [{ image: valSet[0].image, box: valSet[0].box }];
    const other = trainCascade(model, valSet.slice(0, 10), {
      stages: 1,
      clusters: 1,
      frameSize: 16,
      hog: { cellSize: 2 },
    });
    assert.throws(
      () => landmarksInBoxes({ ...pipeline, cascade: { ...other, classCount: model.K + 1 } }, items),
      /was trained on a model of K = /,
    );
    assert.throws(
      () => landmarksInBoxes({ ...pipeline, cascade: { ...other, nPoints: 68, scheme: 'ibug68' } }, items),
      ShapeError,
    );
    assert.throws(() => landmarksInBoxes({} as never, items), /expected \{ model, refiner, cascade \}/);
    await assert.rejects(
      () => trainLandmarkPipeline({ train: [] }),
      /trainLandmarkPipeline: argument 'train' expected a non-empty array/,
    );
  });

  it('savePipeline / loadPipeline round-trip: same landmarks; a broken file is a FormatError', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xl-pipeline-'));
    try {
      savePipeline(pipeline, dir);
      const back = loadPipeline(dir);
      try {
        const items = setup.valSet.slice(0, 4).map((s) => ({ image: s.image, box: s.box }));
        const a = landmarksInBoxes(pipeline, items);
        const b = landmarksInBoxes(back, items);
        a.forEach((f, i) => assert.deepEqual(b[i].landmarks, f.landmarks));
        assert.equal(back.onePass, undefined);
      } finally {
        back.model.dispose();
      }
      // a pipeline trained for the one-pass path keeps it as its default
      savePipeline({ ...pipeline, onePass: true }, dir);
      const fast = loadPipeline(dir);
      try {
        assert.equal(fast.onePass, true);
        const items = setup.valSet.slice(0, 3).map((s) => ({ image: s.image, box: s.box }));
        const a = landmarksInBoxes(pipeline, items, { reclassify: false });
        landmarksInBoxes(fast, items).forEach((f, i) => {
          assert.deepEqual(f.landmarks, a[i].landmarks);
          assert.deepEqual(f.prediction.box, items[i].box);
        });
      } finally {
        fast.model.dispose();
      }
      fs.writeFileSync(path.join(dir, 'refine.json'), '{"kind": "other"}');
      assert.throws(() => loadPipeline(dir), FormatError);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('trainLandmarkPipeline onePass: the cascade learns from the one-pass path (detection boxes, refined frames)', async () => {
    const { model, trainSet, valSet } = setup;
    const cascadeOpts = { stages: 2, clusters: 1, frameSize: 32, hog: { cellSize: 3 }, starts: 2, seed: 4 };
    const seen: number[] = [];
    const front: CascadeFront = (items) => {
      seen.push(items.length);
      return items.map((it) => ({
        box: it.box,
        start: shapeFromBox(model.table.centers.subarray(0, 10), it.box),
        topClass: 0,
      }));
    };
    // a custom front is called on every start box and its starts are what the cascade corrects
    const c = trainCascade(model, trainSet, { ...cascadeOpts, front });
    assert.equal(
      seen.reduce((a, b) => a + b, 0),
      2 * trainSet.length,
    );
    assert.ok(c.trainErrors[2] < c.trainErrors[0], `training error ${c.trainErrors.join(' → ')}`);
    assert.throws(
      () => trainCascade(model, trainSet, { ...cascadeOpts, front: () => [] }),
      /trainCascade: option 'front' expected one result per item \(\d+\), got/,
    );
    // detector-like boxes: 15 % larger and shifted; the one-pass pipeline beats the classifier in them
    const detected = (s: Sample): Box => {
      const w = s.box.width * 1.15;
      const h = s.box.height * 1.15;
      return {
        x: s.box.x + s.box.width / 2 - w / 2,
        y: s.box.y + s.box.height / 2 - h / 2 + 0.05 * h,
        width: w,
        height: h,
      };
    };
    const refiner = trainBoxRefiner(model, trainSet, {
      detections: trainSet.map(detected),
      perFace: 0,
      perDetection: 4,
      iterations: 1,
      seed: 3,
    });
    const front1: CascadeFront = (items) => {
      const faces = landmarksInBoxes({ model, refiner, cascade: null }, items, { reclassify: false });
      return faces.map((f) => ({
        box: f.refinedBox,
        start: f.classifierShape,
        topClass: f.prediction.topK[0].index,
      }));
    };
    const cascade = trainCascade(
      model,
      trainSet.map((s) => ({ ...s, detection: detected(s) })),
      { ...cascadeOpts, front: front1 },
    );
    // trainLandmarkPipeline's onePass marks the pipeline, so landmarksInBoxes runs that path by default
    const small = tinySamples(40, 23, 32).map((s) => ({ ...s, detection: detected(s) }));
    const marked = await trainLandmarkPipeline({
      train: small,
      classifier: { ...TINY_CLASSIFIER, K: 6 },
      refiner: { detections: small.map((s) => s.detection), perFace: 0, perDetection: 2 },
      cascade: { stages: 1, clusters: 1, frameSize: 16, hog: { cellSize: 2 } },
      onePass: true,
    });
    try {
      assert.equal(marked.pipeline.onePass, true);
      const [f] = landmarksInBoxes(marked.pipeline, [
        { image: small[0].image, box: small[0].detection as Box },
      ]);
      assert.deepEqual(f.prediction.box, small[0].detection);
    } finally {
      marked.pipeline.model.dispose();
    }
    const p1: LandmarkPipeline = { model, refiner, cascade };
    const items = valSet.map((s) => ({ image: s.image, box: detected(s) }));
    const err = (fs: FaceLandmarks[], pick: (f: FaceLandmarks) => Float32Array) =>
      fs.reduce((a, f, i) => a + meanPointError(pick(f), valSet[i].landmarks), 0) / fs.length;
    const fast = landmarksInBoxes(p1, items, { reclassify: false });
    assert.ok(
      err(fast, (f) => f.landmarks) < err(fast, (f) => f.classifierShape),
      `one pass + cascade ${err(fast, (f) => f.landmarks)} px vs the classifier ${err(fast, (f) => f.classifierShape)} px`,
    );
    await assert.rejects(
      () =>
        trainLandmarkPipeline({
          train: trainSet,
          refiner: false,
          onePass: true,
          classifier: { K: 4, epochs: 1 },
        }),
      /trainLandmarkPipeline: option 'onePass' needs a refiner/,
    );
  });

  it('trainLandmarkPipeline trains the three parts in one call', async () => {
    const train = tinySamples(60, 21, 32);
    const { pipeline: p, seconds } = await trainLandmarkPipeline({
      train,
      classifier: { ...TINY_CLASSIFIER, K: 10 },
      refiner: { perFace: 2 },
      cascade: { stages: 1, clusters: 1, frameSize: 16, hog: { cellSize: 2 } },
    });
    try {
      assert.equal(p.model.K, 10);
      assert.ok(p.refiner && p.cascade);
      assert.ok(seconds.classifier >= 0 && seconds.refiner >= 0 && seconds.cascade >= 0);
      assert.equal(
        landmarksInBoxes(p, [{ image: train[0].image, box: train[0].box }])[0].landmarks.length,
        10,
      );
    } finally {
      p.model.dispose();
    }
  });
});
