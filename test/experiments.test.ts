import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { EnvironmentError, ShapeError, ValueError } from '../src/errors';
import {
  classTableFor,
  dataFromSamples,
  failureRates,
  forwardCostVsK,
  lossesVsK,
  meanShapeBaseline,
  posteriorYawDistribution,
  prepareData,
  scoreClassifier,
  trainClassifier,
} from '../src/experiments';
import { nearestClass } from '../src/classes';
import { createModel } from '../src/model';
import { Warnings } from '../src/util/warnings';
import { requireSharedData } from './helpers';
import { initBackend, tableFromCenters, tinySamples } from './modelFixtures';
import { randomClassTable } from '../src/internal';

const tiny = { input: { size: 16 }, widths: [8, 16], featureDim: 16 };
const quiet = { progress: 'none' as const, batchSize: 16, tau: 0.08, learningRate: 0.01, seed: 3 };

describe('experiments', function () {
  before(async () => {
    console.log(`      backend: ${await initBackend()}`);
  });

  describe('prepareData', () => {
    it('synthetic: disjoint seeded streams, shapes packed in reference-box coordinates', () => {
      const d = prepareData({ source: 'synth-easy', n: 6, nValidation: 3, seed: 4, size: 32 });
      assert.equal(d.train.length, 6);
      assert.equal(d.validation.length, 3);
      assert.equal(d.nPoints, 68);
      assert.equal(d.trainShapes.length, 6 * 136);
      assert.ok(d.train.every((s) => s.detection !== undefined && s.pose !== undefined));
      assert.ok(d.poses.every((p) => p !== undefined));
      assert.notDeepEqual(d.validation[0].landmarks, d.train[0].landmarks, 'validation is another stream');
      // box coordinates: the landmarks lie roughly in the detection box
      const s = d.train[2];
      const b = s.detection!;
      assert.ok(Math.abs(d.trainShapes[2 * 136] - (s.landmarks[0] - b.x) / b.width) < 1e-6);
      for (const v of d.trainShapes) assert.ok(v > -0.5 && v < 1.5, `box coordinate ${v}`);
      // deterministic
      const again = prepareData({ source: 'synth-easy', n: 6, nValidation: 3, seed: 4, size: 32 });
      assert.deepEqual(again.trainShapes, d.trainShapes);
    });

    it('300-W: split by photo, simulated detections, subsets of the asked size', function () {
      const root = requireSharedData(this, '300w-train');
      const d = prepareData({ source: '300w', n: 8, nValidation: 4, seed: 1, w300Path: root });
      assert.equal(d.train.length, 8);
      assert.equal(d.validation.length, 4);
      assert.ok([...d.train, ...d.validation].every((s) => s.detection !== undefined && s.source === '300w'));
      const trainIds = new Set(d.ids);
      assert.ok(d.validation.every((s) => !trainIds.has(s.id)));
      assert.ok(d.poses.every((p) => p === undefined));
    });

    it('bad input: named errors', () => {
      assert.throws(() => prepareData({ source: 'nope' as 'synth-easy' }), /prepareData: argument 'source'/);
      assert.throws(() => prepareData({ n: 0 }), ValueError);
      assert.throws(() => prepareData({ source: '300w', w300Path: '/nonexistent/300w' }), EnvironmentError);
      assert.throws(() => dataFromSamples([], tinySamples(2, 1)), /dataFromSamples: argument 'train'/);
      const bad = tinySamples(2, 1);
      bad[1] = { ...bad[1], landmarks: new Float32Array(4) };
      assert.throws(() => dataFromSamples(tinySamples(2, 2), bad), ShapeError);
    });
  });

  describe('classTableFor', () => {
    const data = dataFromSamples(tinySamples(30, 1, 24), tinySamples(5, 2, 24));
    it('k-means classes for a number, exemplar classes for M; K > M is refused', () => {
      assert.equal(classTableFor(data, 4, { seed: 1 }).K, 4);
      const ex = classTableFor(data, 'M');
      assert.equal(ex.K, 30);
      assert.equal(ex.method, 'exemplar');
      assert.deepEqual(ex.centers, data.trainShapes);
      assert.throws(() => classTableFor(data, 31), /expected at most M = 30/);
      assert.throws(() => classTableFor(data, 2.5), ValueError);
    });
  });

  describe('baselines and scores', () => {
    it('mean-shape baseline: zero for identical shapes, finite and positive otherwise', () => {
      const s = tinySamples(1, 3, 24)[0];
      const same = [s, { ...s, id: 'copy' }];
      const d0 = dataFromSamples(same, same);
      const b0 = meanShapeBaseline(d0.trainShapes, same);
      assert.ok(b0.mean < 1e-6, `identical shapes: ${b0.mean}`);
      const d = dataFromSamples(tinySamples(40, 1, 24), tinySamples(10, 2, 24));
      const b = meanShapeBaseline(d.trainShapes, d.validation);
      assert.ok(Number.isFinite(b.mean) && b.mean > 0.005, `baseline ${b.mean}`);
      assert.equal(b.errors.length, 10);
      assert.equal(b.shapes[0].length, 10);
      assert.throws(() => meanShapeBaseline(new Float32Array(7), d.validation), ShapeError);
      assert.throws(() => meanShapeBaseline(d.trainShapes, []), ValueError);
    });

    it('nearestClass agrees with brute force', () => {
      const table = randomClassTable(37, 5, 2);
      const shapes = randomClassTable(9, 5, 3).centers;
      const got = nearestClass(table, shapes);
      for (let i = 0; i < 9; i++) {
        let best = Infinity;
        let arg = -1;
        for (let k = 0; k < 37; k++) {
          let dd = 0;
          for (let j = 0; j < 10; j++) dd += (shapes[i * 10 + j] - table.centers[k * 10 + j]) ** 2;
          if (dd < best) [best, arg] = [dd, k];
        }
        assert.equal(got[i], arg);
      }
    });

    it('a trained exemplar classifier beats the mean shape and an untrained model on easy data; scores consistent; no leaks', async () => {
      const data = dataFromSamples(tinySamples(96, 1, 24), tinySamples(24, 2, 24));
      const before = tf.memory().numTensors;
      const run = await trainClassifier(data, {
        K: 'M',
        model: { ...tiny, seed: 1 },
        train: { ...quiet, epochs: 10 },
      });
      const s = scoreClassifier(run.model, data.validation, { tau: 0.08 });
      // the same model before training: what every criterion below must tell apart
      const untrained = createModel(run.table, { ...tiny, seed: 1 });
      const u = scoreClassifier(untrained, data.validation, { tau: 0.08 });
      untrained.dispose();
      run.model.dispose();
      assert.equal(tf.memory().numTensors, before, 'no tensors leaked');
      const base = meanShapeBaseline(data.trainShapes, data.validation);
      console.log(
        `      trained: error ${s.landmarkError.toFixed(4)} (MAP ${s.landmarkErrorMap.toFixed(4)}), accuracy ${s.classificationAccuracy.toFixed(3)}, multi-label error ${s.multiLabelError.toFixed(3)}; ` +
          `untrained: ${u.landmarkError.toFixed(4)} (MAP ${u.landmarkErrorMap.toFixed(4)}), ${u.classificationAccuracy.toFixed(3)}, ${u.multiLabelError.toFixed(3)}; mean shape ${base.mean.toFixed(4)}`,
      );
      const passes = (r: typeof s) =>
        r.landmarkError < 0.8 * base.mean &&
        r.landmarkErrorMap < 0.8 * base.mean &&
        r.landmarkError < 0.8 * u.landmarkError &&
        r.multiLabelError < 0.75 * u.multiLabelError &&
        r.multiLabelError <= 0.5;
      assert.ok(passes(s), 'the trained model meets every criterion');
      assert.ok(!passes(u), 'an untrained model fails them');
      for (const v of [s.classificationAccuracy, s.multiLabelError]) assert.ok(v >= 0 && v <= 1);
      // the nearest class is always in M_i, so a correct top-1 is never a multi-label error
      assert.ok(s.multiLabelError <= 1 - s.classificationAccuracy + 1e-12);
      assert.equal(s.errors.length, 24);
    });
  });

  describe('trainClassifier', () => {
    it('builds the table (k-means for a number, exemplars for M, flipped with flip) and trains in one call', async () => {
      const data = dataFromSamples(tinySamples(24, 1, 16), tinySamples(8, 2, 16));
      const warnings = new Warnings();
      const km = await trainClassifier(data, {
        K: 6,
        model: tiny,
        train: { ...quiet, epochs: 2 },
        table: { warnings },
        validateEachEpoch: true,
      });
      assert.equal(km.table.method, 'kmeans');
      assert.equal(km.model.K, 6);
      assert.equal(km.result.history.length, 2);
      assert.ok(km.result.history.every((h) => Number.isFinite(h.validationError)));
      km.model.dispose();
      const ex = await trainClassifier(data, { model: tiny, train: { ...quiet, epochs: 1 } });
      assert.equal(ex.table.method, 'exemplar');
      assert.equal(ex.model.K, 24, "K = M for 'M'");
      assert.deepEqual(ex.model.table.memberIds.slice(0, 2), [data.ids[0], data.ids[1]]);
      ex.model.dispose();
      // flipped exemplars (iBUG-68 has a mirror permutation): K = 2M
      const synth = prepareData({ source: 'synth-easy', n: 6, nValidation: 2, seed: 4, size: 32 });
      const fl = await trainClassifier(synth, {
        model: tiny,
        train: { ...quiet, epochs: 1 },
        table: { flip: true },
      });
      assert.equal(fl.model.K, 12, 'K = 2M with flipped copies');
      assert.ok(fl.table.memberIds[6].endsWith('#flip'), fl.table.memberIds[6]);
      fl.model.dispose();
      await assert.rejects(
        trainClassifier(data, { K: 1000 }),
        (e: Error) => e instanceof ValueError && /argument 'K' expected at most M = 24/.test(e.message),
      );
      await assert.rejects(
        trainClassifier(data, { K: 5, table: { flip: true } }),
        (e: Error) => e instanceof ValueError && /option 'flip' expected K = 'M'/.test(e.message),
      );
    });
  });

  describe('lossesVsK', () => {
    it('one row per (K, loss) with every field; K above M skipped; bad input refused', async () => {
      const data = dataFromSamples(tinySamples(24, 1, 16), tinySamples(8, 2, 16));
      const before = tf.memory().numTensors;
      const seen: number[] = [];
      const r = await lossesVsK(data, {
        Ks: [3, 'M', 500],
        model: tiny,
        train: { ...quiet, epochs: 1 },
        onRow: (row) => seen.push(row.K),
      });
      assert.equal(tf.memory().numTensors, before, 'no tensors leaked');
      assert.equal(r.rows.length, 6);
      assert.deepEqual(seen, [3, 3, 3, 24, 24, 24]);
      assert.deepEqual(
        r.skipped.map((s) => s.K),
        [500],
      );
      assert.deepEqual(
        r.rows.map((row) => row.loss),
        ['softmax', 'softTarget', 'multiLabel', 'softmax', 'softTarget', 'multiLabel'],
      );
      for (const row of r.rows) {
        for (const k of [
          'landmarkError',
          'landmarkErrorMap',
          'classificationAccuracy',
          'multiLabelError',
          'failureRate',
        ] as const) {
          assert.ok(Number.isFinite(row[k]) && row[k] >= 0, `${k} ${row[k]}`);
        }
        assert.equal(row.M, 24);
        assert.equal(row.exemplar, row.K === 24);
      }
      await assert.rejects(lossesVsK(data, { Ks: [] }), ValueError);
      await assert.rejects(lossesVsK(data, { losses: ['hinge' as 'softmax'] }), /losses\[0\]/);
    });
  });

  describe('forwardCostVsK', () => {
    it('rows per K; the K-dependent memory grows with K; no leaks', () => {
      const before = tf.memory().numTensors;
      const rows = forwardCostVsK({ Ks: [5, 2000], batch: 2, repeats: 1, nPoints: 5, model: tiny });
      assert.equal(tf.memory().numTensors, before);
      assert.deepEqual(
        rows.map((r) => r.K),
        [5, 2000],
      );
      for (const r of rows) {
        assert.ok(r.msPerFace > 0 && r.backboneMsPerFace > 0 && r.rssMB > 0);
      }
      // head Wᵀ (D × K) and bias at least (16 + 1 floats per class), plus the centres (10 floats) when uploaded
      const lo = (2000 * 17 * 4) / 2 ** 20;
      const hi = (2000 * 27 * 4) / 2 ** 20;
      assert.ok(rows[1].headMB >= lo - 1e-6 && rows[1].headMB <= hi + 1e-3, `headMB ${rows[1].headMB}`);
      assert.ok(rows[1].headMB > 100 * rows[0].headMB, 'grows with K');
      assert.throws(() => forwardCostVsK({ Ks: [0] }), /Ks\[0\]/);
      assert.throws(() => forwardCostVsK({ head: 'int4' as 'int8' }), /option 'head'/);
    });

    it("with head 'int8': memory of the 8-bit head (two int8 planes + centres + scratch), no engine head", () => {
      const before = tf.memory().numTensors;
      const rows = forwardCostVsK({
        Ks: [2000],
        batch: 2,
        repeats: 1,
        nPoints: 5,
        model: tiny,
        head: 'int8',
      });
      assert.equal(tf.memory().numTensors, before);
      // per class: two planes of 16 bytes (D 16), scale + bias 8, centres 40, candidate index 4, scores 32 × 4
      const perClass = 32 + 8 + 40 + 4 + 128;
      assert.ok(rows[0].headMB >= (2000 * perClass) / 2 ** 20, `headMB ${rows[0].headMB}`);
      assert.ok(rows[0].headMB <= (2000 * perClass) / 2 ** 20 + 1.1, `headMB ${rows[0].headMB}`);
      assert.ok(rows[0].msPerFace > 0);
    });
  });

  describe('posteriorYawDistribution', () => {
    const table = tableFromCenters(new Float32Array(4 * 10), 5);
    (table.pose as Float32Array).set([-80, 0, 0, -5, 0, 0, 5, 0, 0, 120, 0, 0]);
    it('sums to 1 and puts each class mass in its yaw bin (outside the range: end bins)', () => {
      const d = posteriorYawDistribution(Float32Array.from([0.1, 0.2, 0.3, 0.4]), table, { bins: 4 });
      assert.deepEqual(Array.from(d.edges), [-90, -45, 0, 45, 90]);
      const m = Array.from(d.mass);
      assert.ok(Math.abs(m.reduce((a, b) => a + b, 0) - 1) < 1e-12);
      [0.1, 0.2, 0.3, 0.4].forEach((v, i) => assert.ok(Math.abs(m[i] - v) < 1e-6, `bin ${i}: ${m[i]}`));
      assert.ok(Math.abs(d.meanYaw - (0.1 * -80 + 0.2 * -5 + 0.3 * 5 + 0.4 * 120)) < 1e-4);
      const un = posteriorYawDistribution(Float32Array.from([1, 1, 1, 1]), table, { bins: 2 });
      assert.ok(Math.abs(un.mass[0] + un.mass[1] - 1) < 1e-12, 'normalised');
    });
    it('bad input: named errors', () => {
      assert.throws(() => posteriorYawDistribution(new Float32Array(3), table), ShapeError);
      assert.throws(() => posteriorYawDistribution(Float32Array.from([1, -1, 0, 0]), table), /non-negative/);
      assert.throws(() => posteriorYawDistribution(new Float32Array(4), table), /positive sum/);
      assert.throws(
        () => posteriorYawDistribution(new Float32Array(4).fill(1), table, { range: [5, 5] }),
        /range/,
      );
      const nan = tableFromCenters(new Float32Array(10), 5);
      (nan.pose as Float32Array)[0] = NaN;
      assert.throws(() => posteriorYawDistribution(Float32Array.from([1]), nan), /finite yaw/);
    });
  });

  describe('failureRates', () => {
    it('rates and ratios to the first method, hand-computed', () => {
      const r = failureRates({ base: [0.1, 0.2, 0.01, 0.09], ours: [0.01, 0.02, 0.03, 0.09] });
      assert.equal(r[0].failureRate, 0.75);
      assert.equal(r[1].failureRate, 0.25);
      assert.ok(Math.abs(r[1].ratioToReference - 1 / 3) < 1e-12);
      assert.ok(Math.abs(r[0].meanError - 0.1) < 1e-12);
      assert.throws(() => failureRates({}), ValueError);
      assert.throws(() => failureRates({ a: [0.1] }, 0), /threshold/);
    });
  });
});
