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
  type LandmarkPipeline,
} from '../src/refine';
import { Rng } from '../src/util/rng';
import { tinySamples } from './modelFixtures';
import { meanPointError, tinyRefineSetup, type TinyRefineSetup } from './refineFixtures';

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

describe('refine: pipeline', function () {
  this.timeout(300_000);
  let setup: TinyRefineSetup;
  let pipeline: LandmarkPipeline;
  before(async () => {
    setup = await tinyRefineSetup();
    const { model, trainSet } = setup;
    pipeline = {
      model,
      refiner: trainBoxRefiner(model, trainSet, { perFace: 6, seed: 3 }),
      cascade: trainCascade(model, trainSet, {
        stages: 2,
        clusters: 1,
        frameSize: 32,
        hog: { cellSize: 3 },
        starts: 3,
        startJitter: { centre: 0.08, scale: 0.08 },
      }),
    };
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
    // one pass: the refiner reads the feature of the only forward pass; the shape moves with the box
    const fast = landmarksInBoxes(pipeline, items, { reclassify: false });
    assert.equal(tf.memory().numTensors, before);
    fast.forEach((f, i) => {
      assert.deepEqual(f.prediction.box, f.refinedBox);
      assert.notDeepEqual(f.refinedBox, items[i].box);
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
      'one pass: refined',
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
      } finally {
        back.model.dispose();
      }
      fs.writeFileSync(path.join(dir, 'refine.json'), '{"kind": "other"}');
      assert.throws(() => loadPipeline(dir), FormatError);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('trainLandmarkPipeline trains the three parts in one call', async () => {
    const train = tinySamples(60, 21, 32);
    const { pipeline: p, seconds } = await trainLandmarkPipeline({
      train,
      classifier: {
        K: 10,
        epochs: 1,
        input: { size: 16 },
        widths: [8],
        featureDim: 8,
        batchSize: 16,
        tau: 0.1,
      },
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
