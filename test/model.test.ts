import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { FormatError, ShapeError, ValueError } from '../src/errors';
import {
  backboneFlops,
  createModel,
  cropToInput,
  lineProgress,
  loadModel,
  notebookProgress,
  progressLine,
  predict,
  predictBatch,
  predictInputs,
  predictPosteriors,
  posteriorInputs,
  type PredictItem,
  saveModel,
  train,
} from '../src/model';
import type { Raster } from '../src/types';
import { Rng } from '../src/util/rng';
import { matMulPlain } from '../src/model/matMulPlain';
import { transpose } from '../src/model/transpose';
import { expectClose } from './helpers';
import { initBackend, randomTable, tinySamples } from './modelFixtures';
import { sampledHeadFixture } from './trainHelpers';
import {
  RowAdam,
  SampledHeadScratch,
  batchTargets,
  centerSummary,
  denseLoss,
  expectedShapePlan,
  expectedShapePlanOver,
  keptIndicesOf,
  expectedShapeSum,
  JS_MAX_CLASSES,
  sampledHeadStep,
  sampleWithoutReplacement,
  targetMatrix,
  topIndices,
} from '../src/internal';

describe('model: input, backbone, losses, sampled head, prediction', function () {
  before(async () => {
    console.log(`      backend: ${await initBackend()}`);
  });

  describe('cropToInput', () => {
    const gray: Raster = {
      width: 8,
      height: 8,
      channels: 1,
      data: Uint8Array.from({ length: 64 }, (_, i) => i * 4),
    };

    it('reproduces the pixels when the box is the whole image at the same size', () => {
      const x = cropToInput(gray, { x: -0.5, y: -0.5, width: 8, height: 8 }, { size: 8, margin: 0 });
      expectClose(
        x,
        Array.from(gray.data, (v) => v / 127.5 - 1),
        1e-6,
        'crop',
      );
    });

    it('converts RGB to luma, or keeps RGB, and pads outside the image with mid-grey (0)', () => {
      const rgb: Raster = {
        width: 2,
        height: 2,
        channels: 3,
        data: Uint8Array.from([255, 0, 0, 0, 0, 255, 255, 0, 0, 0, 0, 255]),
      };
      const whole = { x: -0.5, y: -0.5, width: 2, height: 2 };
      const g = cropToInput(rgb, whole, { size: 2, margin: 0 });
      expectClose(
        g,
        [0.299, 0.114, 0.299, 0.114].map((w) => (w * 255) / 127.5 - 1),
        1e-5,
        'luma',
      );
      const c = cropToInput(rgb, whole, { size: 2, channels: 3, margin: 0 });
      assert.equal(c.length, 2 * 2 * 3);
      expectClose(c.subarray(0, 3), [1, -1, -1], 1e-5, 'red pixel');
      // box half outside: the left half of the crop is padding
      const p = cropToInput(gray, { x: -8.5, y: -0.5, width: 16, height: 8 }, { size: 8, margin: 0 });
      expectClose(p.subarray(0, 3), [0, 0, 0], 1e-6, 'padding');
    });

    it('rejects bad rasters, boxes and options with named errors', () => {
      assert.throws(
        () =>
          cropToInput(
            { width: 4, height: 4, channels: 1, data: new Uint8Array(15) },
            { x: 0, y: 0, width: 2, height: 2 },
          ),
        (e: Error) =>
          e instanceof ShapeError &&
          /cropToInput: argument 'raster' expected data of length 4·4·1 = 16/.test(e.message),
      );
      assert.throws(
        () =>
          cropToInput(
            { width: 4, height: 4, channels: 2 as 1, data: new Uint8Array(32) },
            { x: 0, y: 0, width: 2, height: 2 },
          ),
        ShapeError,
      );
      assert.throws(
        () => cropToInput(gray, { x: 20, y: 0, width: 4, height: 4 }),
        (e: Error) => e instanceof ValueError && /wholly outside the 8×8 image/.test(e.message),
      );
      assert.throws(() => cropToInput(gray, { x: 0, y: 0, width: 0, height: 4 }), ValueError);
      assert.throws(
        () => cropToInput(gray, { x: 0, y: 0, width: 4, height: 4 }, { size: 0 }),
        /argument 'size'/,
      );
    });
  });

  describe('backbone', () => {
    it('maps images to D features, is seeded, and counts its FLOPs', () => {
      const table = randomTable(6, 5, 1);
      const a = createModel(table, { input: { size: 16 }, widths: [4, 8], featureDim: 12, seed: 3 });
      const b = createModel(table, { input: { size: 16 }, widths: [4, 8], featureDim: 12, seed: 3 });
      const before = tf.memory().numTensors;
      const y = tf.tidy(() => a.backbone.predict(tf.ones([2, 16, 16, 1])) as tf.Tensor);
      assert.deepEqual(y.shape, [2, 12]);
      y.dispose();
      assert.equal(tf.memory().numTensors, before);
      const wa = a.backbone.getWeights();
      const wb = b.backbone.getWeights();
      wa.forEach((w, i) => assert.deepEqual(w.dataSync(), wb[i].dataSync()));
      assert.deepEqual(a.headWeights(), b.headWeights());
      assert.ok(backboneFlops(a.backbone) > 2 * 16 * 16 * 4 * 9);
      const r = createModel(table, {
        backbone: 'resnet18',
        input: { size: 32 },
        widths: [4, 8],
        featureDim: 8,
      });
      assert.equal(r.config.batchNorm, true);
      assert.equal(r.config.input.channels, 3);
      const beforeR = tf.memory().numTensors;
      const ry = tf.tidy(() => (r.backbone.predict(tf.ones([1, 32, 32, 3])) as tf.Tensor).shape);
      assert.deepEqual(ry, [1, 8]);
      assert.equal(tf.memory().numTensors, beforeR);
      [a, b, r].forEach((m) => m.dispose());
    });
  });

  describe('batchTargets and losses', () => {
    it('finds the nearest class and M_i as a brute-force scan does', () => {
      const K = 40;
      const N = 5;
      const table = randomTable(K, N, 2);
      const rng = new Rng(5);
      const B = 7;
      const ys = new Float32Array(B * 2 * N);
      for (let i = 0; i < B; i++)
        for (let j = 0; j < 2 * N; j++) ys[i * 2 * N + j] = table.centers[i * 2 * N + j] + rng.normal(0, 0.1);
      const model = createModel(table, { input: { size: 16 }, widths: [4], featureDim: 4 });
      const centerChunks = model.centerChunks();
      const before = tf.memory().numTensors;
      const tau = 0.3;
      const t = batchTargets(centerChunks, ys, B, tau);
      assert.equal(tf.memory().numTensors, before);
      for (let i = 0; i < B; i++) {
        let best = -1;
        let bd = Infinity;
        const members: number[] = [];
        for (let k = 0; k < K; k++) {
          let d = 0;
          for (let j = 0; j < 2 * N; j++) d += (ys[i * 2 * N + j] - table.centers[k * 2 * N + j]) ** 2;
          const rms = Math.sqrt(d / N);
          if (rms < bd) {
            bd = rms;
            best = k;
          }
          if (rms <= tau) members.push(k);
        }
        if (!members.includes(best)) members.push(best);
        members.sort((a, b) => a - b);
        assert.equal(t.nearest[i], best);
        assert.deepEqual(
          Array.from(t.membership.indices.subarray(t.membership.offsets[i], t.membership.offsets[i + 1])),
          members,
        );
      }
      model.dispose();
    });

    it('computes softmax, softTarget and multiLabel losses as written', () => {
      const K = 4;
      const s = [0.5, -1, 2, 0, 1, 1, -2, 0.3];
      const nearest = Int32Array.from([2, 0]);
      const membership = { offsets: Int32Array.from([0, 2, 3]), indices: Int32Array.from([1, 2, 0]) };
      const scores = tf.tensor2d(s, [2, K]);
      const lse = (r: number[]) => Math.log(r.reduce((a, v) => a + Math.exp(v), 0));
      const rows = [s.slice(0, 4), s.slice(4)];
      const run = (loss: 'softmax' | 'softTarget' | 'multiLabel') => {
        const T = tf.tensor2d(targetMatrix(loss, K, nearest, membership), [2, K]);
        const l = denseLoss(loss, scores, T);
        const v = l.dataSync()[0];
        tf.dispose([T, l]);
        return v;
      };
      const softmax = (lse(rows[0]) - rows[0][2] + lse(rows[1]) - rows[1][0]) / 2;
      const soft = (lse(rows[0]) - (rows[0][1] + rows[0][2]) / 2 + lse(rows[1]) - rows[1][0]) / 2;
      const sp = (v: number) => Math.log1p(Math.exp(v));
      const pos = [[1, 2], [0]];
      let ml = 0;
      rows.forEach((r, i) => r.forEach((v, k) => (ml += pos[i].includes(k) ? sp(-v) : sp(v))));
      ml /= 2;
      assert.ok(Math.abs(run('softmax') - softmax) < 1e-5);
      assert.ok(Math.abs(run('softTarget') - soft) < 1e-5);
      assert.ok(Math.abs(run('multiLabel') - ml) < 1e-5);
      scores.dispose();
    });
  });

  it('matMulPlain has the gradients of tf.matMul', () => {
    const a = tf.randomNormal([3, 5], 0, 1, 'float32', 1) as tf.Tensor2D;
    const b = tf.randomNormal([5, 4], 0, 1, 'float32', 2) as tf.Tensor2D;
    const w = tf.randomNormal([3, 4], 0, 1, 'float32', 3);
    const before = tf.memory().numTensors;
    const ref = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
      tf.sum(tf.mul(w, tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D))),
    )([a, b]);
    const got = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
      tf.sum(tf.mul(w, matMulPlain(x as tf.Tensor2D, y as tf.Tensor2D))),
    )([a, b]);
    expectClose(got[0].dataSync(), ref[0].dataSync(), 1e-5, 'da');
    expectClose(got[1].dataSync(), ref[1].dataSync(), 1e-5, 'db');
    tf.dispose([...ref, ...got]);
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([a, b, w]);
    assert.deepEqual(Array.from(transpose(Float32Array.from([1, 2, 3, 4, 5, 6]), 2, 3)), [1, 4, 2, 5, 3, 6]);
  });

  describe('sampled multi-label head', () => {
    const { K, D, B, W, b, f, membership } = sampledHeadFixture();
    const nearest = Int32Array.from([1, 0, 2, 13]);

    /** Dense loss and gradients by autodiff (the reference). */
    function dense() {
      const T = tf.tensor2d(targetMatrix('multiLabel', K, nearest, membership), [B, K]);
      const ft = tf.tensor2d(f, [B, D]);
      const Wt = tf.tensor2d(W, [K, D]);
      const bt = tf.tensor1d(b);
      const g = tf.valueAndGrads((fv: tf.Tensor, Wv: tf.Tensor, bv: tf.Tensor) =>
        denseLoss('multiLabel', tf.add(tf.matMul(fv, Wv, false, true), bv) as tf.Tensor2D, T),
      );
      const { value, grads } = g([ft, Wt, bt]);
      const out = {
        loss: value.dataSync()[0],
        dLdf: grads[0].dataSync() as Float32Array,
        gW: grads[1].dataSync() as Float32Array,
        gb: grads[2].dataSync() as Float32Array,
      };
      tf.dispose([T, ft, Wt, bt, value, ...grads]);
      return out;
    }

    /** Scatters a step's row gradients into K × D. */
    function scatter(step: ReturnType<typeof sampledHeadStep>) {
      const gW = new Float64Array(K * D);
      const gb = new Float64Array(K);
      step.rows.forEach((k, a) => {
        for (let d = 0; d < D; d++) gW[k * D + d] = step.gW[a * D + d];
        gb[k] = step.gb[a];
      });
      return { gW, gb };
    }

    it('equals the dense loss and gradients when every negative is sampled', () => {
      const ref = dense();
      const before = tf.memory().numTensors;
      const step = sampledHeadStep(
        f,
        B,
        W,
        b,
        membership,
        { negatives: K, maxPositives: 100 },
        new Rng(1),
        new SampledHeadScratch(K),
      );
      assert.equal(tf.memory().numTensors, before);
      assert.ok(Math.abs(step.loss - ref.loss) < 1e-4 * ref.loss, `loss ${step.loss} vs ${ref.loss}`);
      expectClose(step.dLdf, ref.dLdf, 1e-5, 'dL/df');
      const { gW, gb } = scatter(step);
      expectClose(gW, ref.gW, 1e-5, 'dL/dW');
      expectClose(gb, ref.gb, 1e-5, 'dL/db');
    });

    it('is unbiased with sampled negatives and subsampled positives (mean over 3000 draws)', () => {
      const ref = dense();
      const rngS = new Rng(7);
      const scratch = new SampledHeadScratch(K);
      const n = 3000;
      const sum = {
        loss: 0,
        dLdf: new Float64Array(B * D),
        gW: new Float64Array(K * D),
        gb: new Float64Array(K),
      };
      for (let r = 0; r < n; r++) {
        const step = sampledHeadStep(
          f,
          B,
          W,
          b,
          membership,
          { negatives: 6, maxPositives: 2 },
          rngS,
          scratch,
        );
        sum.loss += step.loss / n;
        step.dLdf.forEach((v, i) => (sum.dLdf[i] += v / n));
        const { gW, gb } = scatter(step);
        gW.forEach((v, i) => (sum.gW[i] += v / n));
        gb.forEach((v, i) => (sum.gb[i] += v / n));
      }
      assert.ok(Math.abs(sum.loss - ref.loss) < 0.03 * ref.loss, `loss ${sum.loss} vs ${ref.loss}`);
      const scale = (a: ArrayLike<number>) => Math.max(...Array.from(a, Math.abs));
      expectClose(sum.dLdf, ref.dLdf, 0.06 * scale(ref.dLdf), 'E[dL/df]');
      expectClose(sum.gW, ref.gW, 0.06 * scale(ref.gW), 'E[dL/dW]');
      expectClose(sum.gb, ref.gb, 0.06 * scale(ref.gb), 'E[dL/db]');
    });

    it('samples distinct classes uniformly', () => {
      const r = new Rng(3);
      const counts = new Float64Array(10);
      for (let t = 0; t < 4000; t++) {
        const s = sampleWithoutReplacement(10, 3, r);
        assert.equal(new Set(s).size, 3);
        s.forEach((k) => counts[k]++);
      }
      counts.forEach((c) => assert.ok(Math.abs(c / 4000 - 0.3) < 0.03, `frequency ${c / 4000}`));
    });

    it('RowAdam matches tf.train.adam on the rows it touches', () => {
      const Wj = Float32Array.from(W);
      const bj = Float32Array.from(b);
      const adam = new RowAdam(K, D);
      const Wv = tf.variable(tf.tensor2d(W, [K, D]));
      const bv = tf.variable(tf.tensor1d(b));
      const opt = tf.train.adam(0.01);
      const rows = Int32Array.from({ length: K }, (_, k) => k);
      for (let it = 0; it < 3; it++) {
        const gW = Float32Array.from({ length: K * D }, (_, i) => Math.sin(i + it));
        const gb = Float32Array.from({ length: K }, (_, i) => Math.cos(i * it));
        adam.update(Wj, bj, rows, gW, gb, 0.01);
        const g = { [Wv.name]: tf.tensor2d(gW, [K, D]), [bv.name]: tf.tensor1d(gb) };
        opt.applyGradients(g as unknown as Record<string, tf.Variable>); // tfjs types gradients as variables
        tf.dispose(Object.values(g));
      }
      expectClose(Wj, Wv.dataSync(), 1e-5, 'W');
      expectClose(bj, bv.dataSync(), 1e-5, 'b');
      opt.dispose();
      tf.dispose([Wv, bv]);
    });
  });

  describe('predict', () => {
    it('returns a normalised posterior, sorted top-k, MAP and expected shapes in pixels', () => {
      const table = randomTable(12, 5, 4);
      const model = createModel(table, { input: { size: 16 }, widths: [4, 8], featureDim: 8, seed: 2 });
      // make the head informative
      model.updateHead((W) => {
        for (let i = 0; i < W.length; i++) W[i] = Math.sin(i) * 2;
      });
      const [s] = tinySamples(1, 9, 32);
      const box = { x: 4, y: 6, width: 20, height: 16 };
      const p = predict(model, s.image, box, { topK: 3 });
      assert.equal(p.posterior.length, 12);
      const sum = p.posterior.reduce((a, v) => a + v, 0);
      assert.ok(Math.abs(sum - 1) < 1e-5);
      assert.ok(p.posterior.every((v) => v >= 0));
      assert.equal(p.topK.length, 3);
      assert.ok(p.topK[0].prob >= p.topK[1].prob && p.topK[1].prob >= p.topK[2].prob);
      assert.equal(p.topK[0].prob, Math.max(...p.posterior));
      assert.deepEqual(p.topK[0].exemplarIds, [`c${p.topK[0].index}`]);
      const k = p.topK[0].index;
      expectClose(
        p.mapShape.subarray(0, 2),
        [4 + table.centers[k * 10] * 20, 6 + table.centers[k * 10 + 1] * 16],
        1e-4,
        'MAP',
      );
      let ex = 0;
      for (let c = 0; c < 12; c++) ex += p.posterior[c] * table.centers[c * 10];
      assert.ok(Math.abs(p.expectedShape[0] - (4 + ex * 20)) < 1e-3);
      assert.equal(p.feature.length, 8);
      // the batch version agrees
      const q = predictBatch(
        model,
        [
          { image: s.image, box },
          { image: s.image, box },
        ],
        { topK: 3, batchSize: 1 },
      );
      expectClose(q[1].posterior, p.posterior, 1e-6, 'batch');
      assert.throws(() => predict(model, s.image, box, { topK: 13 }), /argument 'topK'/);
      assert.throws(() => predict(model, { ...s.image, channels: 3 }, box), ShapeError);
      assert.throws(
        () => predictInputs(model, new Float32Array(15 * 15), 1, [box]),
        (e: Error) => e instanceof ShapeError && /expected 1 × 16 × 16 × 1 values/.test(e.message),
      );
      // RGBA images are accepted (alpha ignored)
      const rgba = {
        width: 32,
        height: 32,
        channels: 4 as const,
        data: new Uint8Array(32 * 32 * 4).fill(200),
      };
      assert.equal(predict(model, rgba, box).posterior.length, 12);
      model.dispose();
    });

    it('predictPosteriors equals an independent computation (float64 f·Wᵀ + b, softmax by hand); int8 within its bound; no shapes, no leaks', () => {
      const table = randomTable(300, 5, 7);
      const model = createModel(table, { input: { size: 16 }, widths: [4, 8], featureDim: 8, seed: 3 });
      model.updateHead((W, b) => {
        for (let i = 0; i < W.length; i++) W[i] = Math.sin(i * 0.37) * 1.5;
        for (let k = 0; k < b.length; k++) b[k] = Math.cos(k * 0.9); // a bias that matters
      });
      const items = tinySamples(5, 4, 24).map((t) => ({ image: t.image, box: t.box }));
      const K = 300;
      const D = 8;
      // independent of predict's path: the tf.layers model's own predict() for the features (not the compiled
      // inference), then scores and softmax in float64 on the JS side, top k by sorting
      const W = Float32Array.from(model.headWeights());
      const bias = Float32Array.from(model.headB);
      const want = items.map((it) => {
        const x = tf.tensor4d(cropToInput(it.image, it.box, { size: 16 }), [1, 16, 16, 1]);
        const fT = model.backbone.predict(x) as tf.Tensor;
        const f = Float64Array.from(fT.dataSync());
        tf.dispose([x, fT]);
        const scores = Array.from({ length: K }, (_, k) => {
          let v = bias[k];
          for (let d = 0; d < D; d++) v += f[d] * W[k * D + d];
          return v;
        });
        const top = Math.max(...scores);
        const e = scores.map((v) => Math.exp(v - top));
        const z = e.reduce((a, v) => a + v, 0);
        const p = e.map((v) => v / z);
        const order = p.map((v, k) => [v, k]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
        return { p, f, top4: order.slice(0, 4).map((o) => o[1]) };
      });
      for (const head of ['float32', 'int8'] as const) {
        if (head === 'int8') model.inferenceOnly({ head: 'int8' });
        predictPosteriors(model, items.slice(0, 1)); // warm the model's caches
        const before = tf.memory().numTensors;
        const post = predictPosteriors(model, items, { topK: 4, batchSize: 3 });
        assert.equal(tf.memory().numTensors, before, `${head}: no tensors leaked`);
        assert.equal(post.length, items.length);
        post.forEach((p, i) => {
          assert.deepEqual(Object.keys(p).sort(), ['box', 'feature', 'posterior', 'scoreErrorBound', 'topK']);
          expectClose(p.feature, want[i].f, 1e-5, `${head} feature ${i}`);
          if (head === 'float32') {
            assert.equal(p.scoreErrorBound, 0);
            expectClose(p.posterior, want[i].p, 1e-6, `float32 face ${i}`);
            assert.deepEqual(
              p.topK.map((t) => t.index),
              want[i].top4,
            );
          } else {
            // each probability within e^(±2·bound) of the exact one (plus float32 rounding)
            const f = Math.exp(2 * p.scoreErrorBound);
            assert.ok(p.scoreErrorBound > 0);
            p.posterior.forEach((v, k) => {
              const w = want[i].p[k];
              assert.ok(
                v <= w * f * (1 + 1e-5) + 1e-12 && v >= w / f / (1 + 1e-5) - 1e-12,
                `int8 face ${i} class ${k}`,
              );
            });
          }
          p.topK.forEach((t) => assert.equal(t.prob, p.posterior[t.index]));
          assert.deepEqual(p.box, items[i].box);
        });
      }
      assert.throws(
        () => predictPosteriors(model, 'faces' as unknown as PredictItem[]),
        /predictPosteriors: argument 'items' expected an array/,
      );
      assert.throws(() => predictPosteriors(model, items, { topK: 301 }), /argument 'topK'/);
      assert.throws(
        () =>
          predictPosteriors(model, [{ image: items[0].image, box: { x: 0, y: 0, width: -1, height: 4 } }]),
        /predictPosteriors: argument 'box'/,
      );
      assert.throws(
        () => posteriorInputs(model, new Float32Array(10), 1, [items[0].box]),
        (e: Error) =>
          e instanceof ShapeError &&
          /posteriorInputs: argument 'inputs' expected 1 × 16 × 16 × 1/.test(e.message),
      );
      assert.deepEqual(predictPosteriors(model, []), []);
      model.dispose();
    });

    it('float head: a non-finite feature is refused by name (no silent top index -1 or NaN shapes)', () => {
      const table = randomTable(20, 5, 7);
      const model = createModel(table, { input: { size: 16 }, widths: [4, 8], featureDim: 8, seed: 3 });
      const [s] = tinySamples(1, 4, 24);
      const ws = model.backbone.getWeights();
      const nan = tf.fill(ws[ws.length - 1].shape, NaN);
      model.backbone.setWeights([...ws.slice(0, -1), nan]);
      nan.dispose();
      model.tensors(); // the engine head, cached on the model
      const before = tf.memory().numTensors;
      for (const call of [
        () => predict(model, s.image, s.box),
        () => predictPosteriors(model, [{ image: s.image, box: s.box }]),
      ]) {
        assert.throws(
          call,
          (e: Error) => e instanceof ValueError && /non-finite feature for face 0/.test(e.message),
        );
      }
      assert.equal(tf.memory().numTensors, before, 'nothing leaked on the error path');
      model.dispose();
    });

    it('setHead / updateHead change the head and what prediction uses, in one call; bad heads refused', () => {
      const table = randomTable(30, 5, 5);
      const model = createModel(table, { input: { size: 16 }, widths: [4], featureDim: 8, seed: 3 });
      const [s] = tinySamples(1, 2, 24);
      const p0 = predict(model, s.image, s.box).posterior; // uploads the head
      const W = Float32Array.from({ length: 30 * 8 }, (_, i) => Math.sin(i) * 2);
      const b = Float32Array.from({ length: 30 }, (_, k) => k / 30);
      assert.equal(model.setHead({ W, b }), model);
      W[0] = 99; // copied in, not aliased
      assert.notEqual(model.headWeights()[0], 99);
      const p1 = predict(model, s.image, s.box).posterior;
      assert.ok(
        p1.some((v, k) => Math.abs(v - p0[k]) > 1e-3),
        'prediction sees the new head',
      );
      // the same as a model built with those weights from the start
      const fresh = createModel(table, { input: { size: 16 }, widths: [4], featureDim: 8, seed: 3 });
      fresh.updateHead((w, bb) => {
        w.set(model.headWeights());
        bb.set(model.headB);
      });
      expectClose(predict(fresh, s.image, s.box).posterior, p1, 1e-6, 'updateHead');
      assert.throws(
        () => model.setHead({ W: new Float32Array(7) }),
        (e: Error) => e instanceof ShapeError && /head\.W' expected a Float32Array of 240/.test(e.message),
      );
      assert.throws(
        () => model.setHead({ b: new Float32Array(30).fill(NaN) }),
        (e: Error) => e instanceof ValueError && /head\.b' holds NaN at 0/.test(e.message),
      );
      // an inference-only model may still change its biases
      model.inferenceOnly();
      model.setHead({ b: new Float32Array(30) });
      assert.throws(() => model.setHead({ W: new Float32Array(240) }), /inference-only/);
      for (const m of [model, fresh]) m.dispose();
    });

    it('leaks no tensors over 1,000 predictions', () => {
      const model = createModel(randomTable(10, 5, 6), { input: { size: 16 }, widths: [4], featureDim: 8 });
      const [s] = tinySamples(1, 3, 24);
      predict(model, s.image, s.box); // uploads the head once
      const before = tf.memory().numTensors;
      for (let i = 0; i < 1000; i++) predict(model, s.image, s.box);
      assert.equal(tf.memory().numTensors, before);
      model.dispose();
    });

    it('expected shape: exact with tolerance 0, within the reported bound otherwise', () => {
      const K = 3000;
      const dim = 10;
      const table = randomTable(K, 5, 11);
      const rng = new Rng(4);
      // a peaked posterior: a few large classes, a long tail spanning many exponents, some exact zeros
      const p = new Float32Array(K);
      for (let k = 0; k < K; k++) p[k] = k % 97 === 0 ? 0 : Math.exp(-30 * rng.uniform(0, 1) ** 0.3);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += p[k];
      for (let k = 0; k < K; k++) p[k] /= sum;
      const exact = new Float64Array(dim);
      for (let k = 0; k < K; k++) for (let j = 0; j < dim; j++) exact[j] += p[k] * table.centers[k * dim + j];
      const summary = centerSummary(table.centers, K, dim);
      const out = new Float32Array(dim + 3);
      const s0 = expectedShapePlan(p, 0, K, 0);
      expectedShapeSum(p, 0, K, table.centers, dim, summary, s0, out, 3);
      assert.equal(s0.omittedMass, 0);
      assert.equal(s0.kept, K - Math.ceil(K / 97));
      expectClose(out.subarray(3), exact, 1e-6, 'exact');
      for (const tol of [1e-4, 1e-2, 0.2]) {
        const st = expectedShapePlan(p, 0, K, tol);
        expectedShapeSum(p, 0, K, table.centers, dim, summary, st, out, 0);
        assert.ok(st.omittedMass > 0 && st.omittedMass <= tol, `omitted ${st.omittedMass} at ${tol}`);
        assert.ok(st.kept < s0.kept);
        // the same plan listed: exactly the classes expectedShapePlanOver keeps with every class as its list
        const all = Int32Array.from({ length: K }, (_, k) => k);
        const listed = keptIndicesOf(p, 0, K, st);
        assert.equal(listed.keptIndices.length, st.kept);
        assert.deepEqual(
          Array.from(listed.keptIndices),
          Array.from(expectedShapePlanOver(p, 0, all, tol, 0).keptIndices),
        );
        for (let j = 0; j < dim; j++) {
          const r = j % 2 === 0 ? summary.radiusX : summary.radiusY;
          assert.ok(Math.abs(out[j] - exact[j]) <= st.omittedMass * r + 1e-6, `coordinate ${j} at ${tol}`);
        }
      }
    });

    it('expected shape of more than 512 points (2N > 1024): per-call scratch, no cap, equal to the direct sum', async () => {
      const K = 40;
      const nPoints = 600;
      const dim = 2 * nPoints;
      const table = randomTable(K, nPoints, 12);
      const rng = new Rng(6);
      const p = Float32Array.from({ length: K }, () => rng.uniform(0, 1));
      const total = p.reduce((a, v) => a + v, 0);
      for (let k = 0; k < K; k++) p[k] /= total;
      const exact = new Float64Array(dim);
      for (let k = 0; k < K; k++) for (let j = 0; j < dim; j++) exact[j] += p[k] * table.centers[k * dim + j];
      const out = new Float32Array(dim);
      const summary = centerSummary(table.centers, K, dim);
      expectedShapeSum(p, 0, K, table.centers, dim, summary, expectedShapePlan(p, 0, K, 0), out, 0);
      expectClose(out, exact, 1e-5, '1,200 coordinates');
      // and through predict (float head, JS sum), with the mode shape
      const model = createModel(table, { input: { size: 16 }, widths: [4], featureDim: 4, seed: 2 });
      const [s] = tinySamples(1, 3, 24);
      const pr = predict(model, s.image, s.box, { mode: true, expectedTolerance: 0 });
      assert.ok(pr.expectedShape.every(Number.isFinite) && pr.modeShape?.every(Number.isFinite));
      const want = new Float64Array(dim);
      for (let k = 0; k < K; k++)
        for (let j = 0; j < dim; j++) want[j] += pr.posterior[k] * table.centers[k * dim + j];
      for (let j = 0; j < dim; j += 2) {
        want[j] = s.box.x + want[j] * s.box.width;
        want[j + 1] = s.box.y + want[j + 1] * s.box.height;
      }
      expectClose(pr.expectedShape, want, 1e-3, 'predict');
      model.dispose();
    });

    it('sums a spread posterior exactly on the engine (more than JS_MAX_CLASSES classes), leaking nothing', () => {
      const K = JS_MAX_CLASSES + 500;
      const table = randomTable(K, 5, 13);
      const model = createModel(table, { input: { size: 16 }, widths: [4], featureDim: 8, seed: 4 });
      const [s] = tinySamples(1, 6, 24);
      predict(model, s.image, s.box);
      const before = tf.memory().numTensors;
      const [p, q] = predictBatch(model, [s, s], { expectedTolerance: 0 }); // near-uniform: every class needed
      assert.equal(tf.memory().numTensors, before);
      assert.equal(p.expectedOmittedMass, 0);
      const ref = new Float32Array(10);
      const plan = expectedShapePlan(p.posterior, 0, K, 0);
      expectedShapeSum(
        p.posterior,
        0,
        K,
        table.centers,
        10,
        centerSummary(table.centers, K, 10),
        plan,
        ref,
        0,
      );
      const px = Array.from(ref, (v, j) =>
        j % 2 === 0 ? s.box.x + v * s.box.width : s.box.y + v * s.box.height,
      );
      expectClose(p.expectedShape, px, 1e-3, 'engine vs JS');
      expectClose(q.expectedShape, p.expectedShape, 1e-5, 'batch');
      // a peaked posterior is summed on the JS side (some mass omitted), within its bound of the exact sum
      model.updateHead((W) => {
        for (let i = 0; i < W.length; i++) W[i] *= 400;
      });
      const exact = predict(model, s.image, s.box, { expectedTolerance: 0 });
      const lean = predict(model, s.image, s.box);
      assert.ok(
        lean.expectedOmittedMass > 0 && lean.expectedOmittedMass <= 1e-4,
        `${lean.expectedOmittedMass}`,
      );
      assert.ok(lean.expectedErrorBound > 0);
      for (let j = 0; j < 10; j++) {
        assert.ok(Math.abs(lean.expectedShape[j] - exact.expectedShape[j]) <= lean.expectedErrorBound + 1e-3);
      }
      model.dispose();
    });

    it('inferenceOnly / loadModel({ inference }) drop the JS head and predict the same, leaking nothing', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xl-infer-'));
      const table = randomTable(40, 5, 12);
      const opts = { input: { size: 16 }, widths: [4, 8], featureDim: 8, seed: 3 };
      const full = createModel(table, opts);
      full.updateHead((W) => {
        for (let i = 0; i < W.length; i++) W[i] = Math.cos(i) * 3;
      });
      const W = Float32Array.from(full.headWeights());
      const [s] = tinySamples(1, 5, 24);
      const ref = predict(full, s.image, s.box, { topK: 4, expectedTolerance: 0 });
      const file = path.join(dir, 'm.xlm');
      saveModel(full, file);
      const before = tf.memory().numTensors;
      const inf = loadModel(file, { inference: true });
      assert.ok(inf.isInferenceOnly && !full.isInferenceOnly);
      assert.throws(() => inf.updateHead(() => {}), /inference-only/);
      assert.throws(() => inf.setHead({ W }), /inference-only/);
      expectClose(inf.headWeights(), W, 0, 'headWeights');
      const q = predict(inf, s.image, s.box, { topK: 4, expectedTolerance: 0 });
      expectClose(q.posterior, ref.posterior, 1e-6, 'posterior');
      expectClose(q.expectedShape, ref.expectedShape, 1e-4, 'expected');
      expectClose(q.mapShape, ref.mapShape, 0, 'map');
      assert.deepEqual(
        q.topK.map((t) => t.index),
        ref.topK.map((t) => t.index),
      );
      // the default tolerance stays within its reported bound
      const d = predict(inf, s.image, s.box);
      for (let j = 0; j < d.expectedShape.length; j++) {
        assert.ok(Math.abs(d.expectedShape[j] - ref.expectedShape[j]) <= d.expectedErrorBound + 1e-3);
      }
      // the same model made inference-only in place, and saved again from the engine copy
      full.inferenceOnly();
      expectClose(
        predict(full, s.image, s.box, { expectedTolerance: 0 }).posterior,
        ref.posterior,
        1e-6,
        'in place',
      );
      saveModel(full, path.join(dir, 'again.xlm'));
      const again = loadModel(path.join(dir, 'again.xlm'));
      expectClose(again.headWeights(), W, 0, 'saved from the engine');
      again.dispose();
      const mid = tf.memory().numTensors;
      for (let i = 0; i < 50; i++) predict(inf, s.image, s.box);
      assert.equal(tf.memory().numTensors, mid);
      await assert.rejects(() => train(inf, [s]), /inference-only/);
      assert.throws(() => loadModel(file, { inference: 1 as unknown as boolean }), /'opts.inference'/);
      assert.throws(() => predict(inf, s.image, s.box, { expectedTolerance: -1 }), /'expectedTolerance'/);
      inf.dispose();
      assert.equal(tf.memory().numTensors, before);
      full.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('features come from the backbone in inference mode (batch norm uses its moving statistics)', () => {
      const table = randomTable(6, 5, 4);
      const model = createModel(table, {
        input: { size: 16 },
        widths: [4, 8],
        featureDim: 8,
        batchNorm: true,
        seed: 2,
      });
      const [s, t] = tinySamples(2, 9, 32);
      const ps = predictBatch(model, [
        { image: s.image, box: s.box },
        { image: t.image, box: t.box },
      ]);
      const x = new Float32Array(2 * 16 * 16);
      x.set(cropToInput(s.image, s.box, model.config.input));
      x.set(cropToInput(t.image, t.box, model.config.input), 256);
      const ref = tf.tidy(() =>
        (model.backbone.predict(tf.tensor4d(x, [2, 16, 16, 1])) as tf.Tensor).dataSync(),
      );
      expectClose(ps[0].feature, ref.subarray(0, 8), 1e-5, 'face 0');
      expectClose(ps[1].feature, ref.subarray(8, 16), 1e-5, 'face 1');
      // a batch of one gives the same feature: no batch statistics
      expectClose(predict(model, s.image, s.box).feature, ps[0].feature, 1e-5, 'alone');
      model.dispose();
    });

    it('topIndices picks the k largest, largest first', () => {
      const p = Float32Array.from([0.1, 0.5, 0.05, 0.5, 0.2, 0.9]);
      assert.deepEqual(Array.from(topIndices(p, 3)), [5, 1, 3]);
    });
  });

  describe('progress', () => {
    const state = {
      epoch: 2,
      epochs: 5,
      step: 3,
      steps: 6,
      loss: 1.23456,
      imagesPerSecond: 101.4,
      etaSeconds: 75,
      validationError: 0.04567,
    };

    it('formats a line with epoch, bar, step, loss, images/s, ETA and validation error', () => {
      assert.equal(
        progressLine(state, 10),
        'epoch 2/5 █████░░░░░ 3/6 loss 1.235 101 img/s ETA 1m15s val 0.0457',
      );
    });

    it('writes one plain line per epoch, and updates one notebook display in place', () => {
      const lines: string[] = [];
      const p = lineProgress((l) => lines.push(l));
      p.step?.(state);
      p.epoch?.(state);
      assert.equal(lines.length, 1);
      const html: string[] = [];
      const nb = notebookProgress({ html: (h) => html.push(h) });
      nb.step?.({ ...state, step: 6 });
      nb.epoch?.(state);
      assert.equal(html.length, 2);
      assert.match(html[1], /^<pre[^>]*>epoch 2\/5 .* val 0\.0457<\/pre>$/);
    });
  });

  describe('saveModel / loadModel', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xl-model-'));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('round-trips a model (same predictions) and rejects corrupt, truncated and foreign files', () => {
      const model = createModel(randomTable(9, 5, 8), {
        input: { size: 16 },
        widths: [4, 8],
        featureDim: 8,
        seed: 5,
      });
      const [s] = tinySamples(1, 4, 24);
      const file = path.join(dir, 'm.xlm');
      saveModel(model, file);
      assert.deepEqual(
        fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')),
        [],
      );
      const loaded = loadModel(file);
      assert.deepEqual(loaded.config, model.config);
      expectClose(
        predict(loaded, s.image, s.box).posterior,
        predict(model, s.image, s.box).posterior,
        1e-6,
        'posterior',
      );
      assert.deepEqual(loaded.table.memberIds, model.table.memberIds);
      const bytes = fs.readFileSync(file);
      const bad = Buffer.from(bytes);
      bad[bytes.length - 100] ^= 0xff;
      fs.writeFileSync(path.join(dir, 'bad.xlm'), bad);
      assert.throws(
        () => loadModel(path.join(dir, 'bad.xlm')),
        (e: Error) => e instanceof FormatError && /corrupt or truncated/.test(e.message),
      );
      fs.writeFileSync(path.join(dir, 'short.xlm'), bytes.subarray(0, 1000));
      assert.throws(() => loadModel(path.join(dir, 'short.xlm')), FormatError);
      fs.writeFileSync(path.join(dir, 'text.xlm'), 'hello');
      assert.throws(() => loadModel(path.join(dir, 'text.xlm')), /expected an exemplar-landmarks model file/);
      assert.throws(() => loadModel(path.join(dir, 'missing.xlm')), FormatError);
      model.dispose();
      loaded.dispose();
    });
  });
});
