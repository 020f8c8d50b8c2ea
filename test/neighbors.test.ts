/** neighbors: cosine top-k, PCA, the exemplar embeddings, top exemplars and Table 1 on a tiny trained model. */
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { fromSamples } from '../src/data/datasets';
import { ShapeError, ValueError } from '../src/errors';
import { dataFromSamples, trainClassifier } from '../src/experiments';
import type { ExemplarModel } from '../src/model';
import {
  cosineTopK,
  exemplarEmbeddings,
  NEIGHBOR_METHODS,
  neighborTable,
  pca,
  topExemplars,
  topExemplarsOf,
  unitRows,
  type ExemplarEmbeddings,
} from '../src/neighbors';
import { scatterFigure } from '../src/viz';
import type { Sample } from '../src/types';
import { Rng } from '../src/util/rng';
import { expectClose } from './helpers';
import { initBackend, tinySamples } from './modelFixtures';

describe('neighbors: cosine top-k', () => {
  it('matches a brute-force search, most similar first, ties to the lower index', () => {
    const rng = new Rng(1);
    const D = 7;
    const rows = Float32Array.from({ length: 30 * D }, () => rng.normal());
    const unit = unitRows(rows, D);
    for (let r = 0; r < 30; r++) {
      let s = 0;
      for (let j = 0; j < D; j++) s += unit[r * D + j] ** 2;
      expectClose([s], [1], 1e-6);
    }
    const q = Float32Array.from({ length: 3 * D }, () => rng.normal());
    const top = cosineTopK(q, unit, D, 4);
    for (let b = 0; b < 3; b++) {
      const qn = Math.hypot(...q.subarray(b * D, (b + 1) * D));
      const sims = Array.from({ length: 30 }, (_, r) => {
        let s = 0;
        for (let j = 0; j < D; j++) s += q[b * D + j] * unit[r * D + j];
        return [s / qn, r];
      }).sort((a, c) => c[0] - a[0]);
      assert.deepEqual(
        Array.from(top.indices.subarray(b * 4, b * 4 + 4)),
        sims.slice(0, 4).map((x) => x[1]),
      );
      expectClose(
        top.similarities.subarray(b * 4, b * 4 + 4),
        sims.slice(0, 4).map((x) => x[0]),
        1e-5,
      );
    }
    const twins = unitRows(Float32Array.of(1, 0, 1, 0, 0, 1), 2);
    assert.deepEqual(Array.from(cosineTopK(Float32Array.of(2, 0), twins, 2, 2).indices), [0, 1]);
  });

  it('zero rows, zero queries, bad lengths and k are named errors', () => {
    assert.throws(() => unitRows(Float32Array.of(1, 0, 0, 0), 2), /row 1 of 'rows' is zero/);
    const u = unitRows(Float32Array.of(1, 0, 0, 1), 2);
    assert.throws(() => cosineTopK(Float32Array.of(0, 0), u, 2, 1), /query 0 is zero/);
    assert.throws(() => cosineTopK(Float32Array.of(1, 0, 1), u, 2, 1), ShapeError);
    assert.throws(() => cosineTopK(Float32Array.of(1, 0), u, 2, 3), /'k'/);
    assert.throws(() => unitRows(new Float32Array(0), 2), /non-empty Float32Array/);
    assert.throws(() => unitRows(Float32Array.of(NaN, 1), 2), /non-finite value NaN at row 0/);
  });
});

describe('neighbors: PCA', () => {
  it('finds the axes of an elongated cloud with their variances', () => {
    const rng = new Rng(3);
    const n = 2000;
    const a = [1 / Math.sqrt(5), 2 / Math.sqrt(5), 0];
    const b = [0, 0, 1];
    const rows = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      const s = rng.normal(0, 3);
      const t = rng.normal(0, 1);
      for (let j = 0; j < 3; j++)
        rows[i * 3 + j] = 5 + s * a[j] + t * b[j] + rng.normal(0, 0.05) * (j === 0 ? 2 : -1);
    }
    const r = pca(rows, 3);
    expectClose(Array.from(r.components.subarray(0, 3)).map(Math.abs), a, 0.01, 'first axis');
    expectClose(Array.from(r.components.subarray(3, 6)).map(Math.abs), b, 0.01, 'second axis');
    assert.ok(Math.abs(r.variances[0] - 9) < 0.8 && Math.abs(r.variances[1] - 1) < 0.1, `${r.variances}`);
    assert.ok(r.explained[0] > 0.85 && r.explained[0] + r.explained[1] > 0.99);
    expectClose([r.mean[0], r.mean[1]], [5, 5], 0.2);
    // coords are the centred rows projected on the components
    let dot = 0;
    for (let j = 0; j < 3; j++) dot += (rows[j] - r.mean[j]) * r.components[j];
    expectClose([r.coords[0]], [dot], 1e-4);
  });

  it('terminates on a rank-deficient cloud and refuses bad input', () => {
    const same = new Float32Array(10 * 4).fill(2);
    const r = pca(same, 4);
    assert.deepEqual(Array.from(r.variances), [0, 0]);
    assert.ok(Array.from(r.coords).every((v) => v === 0));
    assert.throws(() => pca(Float32Array.of(1, 2), 2), /at least 2 rows/);
    assert.throws(() => pca(Float32Array.of(1, 2, 3), 2), ValueError);
    assert.throws(() => pca(new Float32Array(8), 2, { components: 3 }), /'components'/);
  });

  it('scatterFigure colours points by a value', () => {
    const f = scatterFigure([{ x: [0, 1], y: [1, 0], color: [-30, 30], name: 'w' }], { colorTitle: 'yaw' });
    const m = f.data[0].marker as Record<string, unknown>;
    assert.deepEqual(m.color, [-30, 30]);
    assert.throws(() => scatterFigure([{ x: [0, 1], y: [1] }]), /expected length 2/);
  });
});

describe('neighbors: exemplar embeddings and Table 1 (tiny trained model)', function () {
  let model: ExemplarModel;
  let train: Sample[];
  let val: Sample[];
  let emb: ExemplarEmbeddings;

  before(async () => {
    await initBackend();
    train = tinySamples(24, 1);
    val = tinySamples(8, 2);
    const run = await trainClassifier(dataFromSamples(train, train), {
      K: 'M',
      loss: 'multiLabel',
      model: { input: { size: 32 }, widths: [8, 16], featureDim: 16, seed: 1 },
      train: { tau: 0.05, epochs: 2, batchSize: 8, progress: 'none', seed: 1 },
    });
    model = run.model;
    emb = exemplarEmbeddings(model, train);
  });
  after(() => model?.dispose());

  it('holds unit rows for every class and training face, with their ids and shapes', () => {
    assert.equal(emb.D, 16);
    assert.equal(emb.weights.length, 24 * 16);
    assert.equal(emb.features.length, 24 * 16);
    assert.deepEqual(
      emb.classIds,
      train.map((s) => s.id),
    );
    assert.deepEqual(
      emb.featureIds,
      train.map((s) => s.id),
    );
    const n = Math.hypot(...emb.features.subarray(0, 16));
    expectClose([n], [1], 1e-5);
    assert.equal(emb.featureShapes.length, 24 * 10);
    expectClose(emb.featureShapes.subarray(0, 10), model.table.centers.subarray(0, 10), 1e-6, 'exemplar 0');
  });

  it('a training face is its own nearest feature; images come with the matches', () => {
    const before = tf.memory().numTensors;
    const top = topExemplars(model, emb, train[3].image, train[3].box, {
      by: 'features',
      k: 3,
      samples: train,
    });
    assert.equal(tf.memory().numTensors, before, 'tensors leaked');
    assert.equal(top[0].id, train[3].id);
    expectClose([top[0].similarity], [1], 1e-4);
    assert.ok(top[0].similarity >= top[1].similarity && top[1].similarity >= top[2].similarity);
    assert.equal(top[0].image, train[3].image);
    const ds = fromSamples(train);
    const viaDataset = topExemplarsOf(emb.features.subarray(5 * 16, 6 * 16), emb, {
      by: 'features',
      k: 1,
      samples: ds,
    });
    assert.equal(viaDataset[0].id, train[5].id);
    assert.deepEqual(viaDataset[0].landmarks, train[5].landmarks);
    const byW = topExemplars(model, emb, val[0].image, val[0].box, { k: 2 });
    assert.equal(byW.length, 2);
    assert.equal(byW[0].image, undefined);
    assert.throws(() => topExemplarsOf(new Float32Array(16).fill(1), emb, { by: 'nope' as never }), /'by'/);
    assert.throws(() => topExemplarsOf(new Float32Array(16).fill(1), emb, { k: 99 }), /'k'/);
  });

  it('Table 1: four methods; on the training faces the feature neighbour is exact', () => {
    neighborTable(model, emb, val.slice(0, 1)); // the model's own caches (centres on the engine) fill on first use
    const before = tf.memory().numTensors;
    const t = neighborTable(model, emb, val, { k: 1 });
    assert.equal(tf.memory().numTensors, before, 'tensors leaked');
    assert.deepEqual(
      t.rows.map((r) => r.method),
      [...NEIGHBOR_METHODS],
    );
    for (const r of t.rows)
      assert.ok(Number.isFinite(r.error) && r.error > 0 && r.n === 8, JSON.stringify(r));
    assert.ok(t.weightsAgreeWithClassifier >= 0 && t.weightsAgreeWithClassifier <= 1);
    const self = neighborTable(model, emb, train);
    expectClose([self.rows[1].error], [0], 1e-6, 'features NN on the training faces');
    const t3 = neighborTable(model, emb, val, { k: 3 });
    assert.equal(t3.shapes['cosine NN on weights w_k'].length, 8 * 10);
  });

  it('bad input: empty faces and foreign embeddings', () => {
    assert.throws(() => neighborTable(model, emb, []), /non-empty array of samples/);
    assert.throws(() => neighborTable(model, { ...emb, D: 8 }, val), /expected embeddings of this model/);
    assert.throws(() => exemplarEmbeddings(model, []), /non-empty array of samples or a dataset/);
  });
});
