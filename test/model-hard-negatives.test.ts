import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ValueError } from '../src/errors';
import { createModel, train, type TrainOptions } from '../src/model';
import { Rng } from '../src/util/rng';
import { exemplarTable, initBackend, tinySamples } from './modelFixtures';
import {
  expectStepClose,
  meanStep,
  modelWeights,
  sampledHeadFixture,
  scatterStep,
  tinyModelOptions,
} from './trainHelpers';
import {
  hardNegativeSet,
  RowAdam,
  sampledHeadStep,
  SampledHeadScratch,
  sampleOutside,
} from '../src/internal';

describe('model: hard negatives for the sampled head', function () {
  const { K, D, B, W, b, f, membership } = sampledHeadFixture();
  // hard negatives overlapping some members (1, 2, 13) and other classes
  const hard = Int32Array.from([1, 2, 6, 9, 10, 13, 14, 21]);

  before(async () => {
    console.log(`      backend: ${await initBackend()}`);
  });

  /** The full multi-label loss and its gradients, in float64 JavaScript (independent of the engine). */
  function reference() {
    const y = new Uint8Array(B * K);
    for (let i = 0; i < B; i++) {
      for (let j = membership.offsets[i]; j < membership.offsets[i + 1]; j++)
        y[i * K + membership.indices[j]] = 1;
    }
    const G = new Float64Array(B * K);
    let loss = 0;
    for (let i = 0; i < B; i++) {
      for (let k = 0; k < K; k++) {
        let s = b[k];
        for (let d = 0; d < D; d++) s += f[i * D + d] * W[k * D + d];
        loss += Math.max(s, 0) + Math.log1p(Math.exp(-Math.abs(s))) - y[i * K + k] * s;
        G[i * K + k] = (1 / (1 + Math.exp(-s)) - y[i * K + k]) / B;
      }
    }
    const dLdf = new Float64Array(B * D);
    const gW = new Float64Array(K * D);
    const gb = new Float64Array(K);
    for (let i = 0; i < B; i++) {
      for (let k = 0; k < K; k++) {
        const g = G[i * K + k];
        gb[k] += g;
        for (let d = 0; d < D; d++) {
          dLdf[i * D + d] += g * W[k * D + d];
          gW[k * D + d] += g * f[i * D + d];
        }
      }
    }
    return { loss: loss / B, dLdf, gW, gb };
  }

  it('draws the uniform negatives outside the hard set, distinct and uniform over the other classes', () => {
    const r = new Rng(3);
    const counts = new Float64Array(K);
    const n = 5;
    const draws = 6000;
    for (let t = 0; t < draws; t++) {
      const s = sampleOutside(K, hard, n, r);
      assert.equal(new Set(s).size, n);
      s.forEach((k) => {
        assert.ok(!hard.includes(k), `drew hard class ${k}`);
        counts[k]++;
      });
    }
    const p = n / (K - hard.length);
    counts.forEach((c, k) => {
      if (!hard.includes(k))
        assert.ok(Math.abs(c / draws - p) < 0.03, `class ${k}: frequency ${c / draws} vs ${p}`);
    });
    assert.deepEqual(
      Array.from(sampleOutside(5, Int32Array.from([0, 2, 4]), 9, r)),
      [1, 3],
      'n ≥ K − |H|: all',
    );
  });

  it('takes the union of the graph neighbours of each example’s nearest class, ascending, without draws', () => {
    const graph = { offsets: Int32Array.from([0, 2, 4, 5]), indices: Int32Array.from([2, 1, 0, 2, 1]) };
    const scratch = new SampledHeadScratch(3);
    assert.deepEqual(Array.from(hardNegativeSet(graph, Int32Array.from([1, 0, 1]), scratch)), [0, 1, 2]);
    assert.deepEqual(Array.from(hardNegativeSet(graph, Int32Array.from([2]), scratch)), [1]);
  });

  it('equals the full loss and gradients when the hard set and the draws cover every class', () => {
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
      hard,
    );
    assert.equal(tf.memory().numTensors, before, 'no tensors leaked');
    expectStepClose(scatterStep(step, K, D), reference(), 1e-5, 1e-5);
  });

  it('is unbiased with hard negatives, sampled negatives and subsampled positives (mean over 3000 draws)', () => {
    const rngS = new Rng(7);
    const scratch = new SampledHeadScratch(K);
    const opts = { negatives: 5, maxPositives: 2 };
    const mean = meanStep(3000, K, D, () =>
      sampledHeadStep(f, B, W, b, membership, opts, rngS, scratch, hard),
    );
    expectStepClose(mean, reference(), 0.02, 0.05);
  });

  it("RowAdam 'decayed' applies the missed β^Δ decay to a row's moments; 'lazy' does not", () => {
    const g1 = Float32Array.from([0.5, -1]);
    const g4 = Float32Array.from([0.25, 2]);
    const [b1, b2] = [0.9, 0.999];
    for (const mode of ['lazy', 'decayed'] as const) {
      const adam = new RowAdam(2, 2, b1, b2, 1e-7, mode);
      const Wt = new Float32Array(4);
      const bt = new Float32Array(2);
      const row0 = Int32Array.from([0]);
      const row1 = Int32Array.from([1]);
      adam.update(Wt, bt, row0, g1, Float32Array.from([1]), 0.01);
      adam.update(Wt, bt, row1, g1, Float32Array.from([1]), 0.01);
      adam.update(Wt, bt, row1, g1, Float32Array.from([1]), 0.01);
      adam.update(Wt, bt, row0, g4, Float32Array.from([1]), 0.01);
      const missed = mode === 'decayed' ? 2 : 0;
      for (let d = 0; d < 2; d++) {
        const m = b1 * b1 ** missed * (1 - b1) * g1[d] + (1 - b1) * g4[d];
        const v = b2 * b2 ** missed * (1 - b2) * g1[d] ** 2 + (1 - b2) * g4[d] ** 2;
        assert.ok(Math.abs(adam.m[d] - m) < 1e-7, `${mode} m[${d}] ${adam.m[d]} vs ${m}`);
        assert.ok(Math.abs(adam.v[d] - v) < 1e-9, `${mode} v[${d}] ${adam.v[d]} vs ${v}`);
      }
    }
  });

  describe('in training', () => {
    const trainSet = tinySamples(64, 1, 24);
    const table = exemplarTable(trainSet);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xl-hard-'));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const opts: TrainOptions = {
      progress: 'none',
      batchSize: 16,
      tau: 0.08,
      learningRate: 0.01,
      seed: 3,
      epochs: 2,
      head: 'sampled',
      negatives: 8,
      hardNegatives: 4,
      rowAdam: 'decayed',
    };

    it('trains, and a resumed run ends where an uninterrupted one does (hard negatives, decayed row Adam)', async () => {
      const a = createModel(table, { ...tinyModelOptions, seed: 4 });
      const ra = await train(a, trainSet, opts);
      assert.equal(ra.head, 'sampled');
      assert.equal(ra.targets, null);
      assert.ok(ra.history.every((h) => Number.isFinite(h.loss)));
      const ckpt = path.join(dir, 'hard.ckpt');
      const before = tf.memory().numTensors;
      const c = createModel(table, { ...tinyModelOptions, seed: 4 });
      await train(c, trainSet, { ...opts, epochs: 1, checkpoint: ckpt });
      c.dispose();
      assert.equal(tf.memory().numTensors, before, 'no tensors leaked');
      const d = createModel(table, { ...tinyModelOptions, seed: 4 });
      await train(d, trainSet, { ...opts, checkpoint: ckpt, resume: true });
      const wa = modelWeights(a);
      modelWeights(d).forEach((w, i) => assert.deepEqual(w, wa[i], `weights ${i} differ after resume`));
      // the uniform-negative run draws other rows: other weights
      const u = createModel(table, { ...tinyModelOptions, seed: 4 });
      await train(u, trainSet, { ...opts, hardNegatives: 0 });
      assert.notDeepEqual(modelWeights(u)[2], wa[2]);
      [a, d, u].forEach((m) => m.dispose());
    });

    it('rejects bad hardNegatives / rowAdam values with named errors', async () => {
      const m = createModel(table, { ...tinyModelOptions, seed: 4 });
      await assert.rejects(
        train(m, trainSet, { ...opts, hardNegatives: table.K }),
        (e: unknown) => e instanceof ValueError && /hardNegatives/.test(e.message),
      );
      await assert.rejects(
        train(m, trainSet, { ...opts, rowAdam: 'eager' as 'lazy' }),
        (e: unknown) => e instanceof ValueError && /rowAdam/.test(e.message),
      );
      m.dispose();
    });
  });
});
