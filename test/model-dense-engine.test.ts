import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ValueError } from '../src/errors';
import * as engine from '../src/engine';
import { createModel, train, LOSSES } from '../src/model';
import { Rng } from '../src/util/rng';
import { exemplarTable, tinySamples } from './modelFixtures';
import { modelWeights, tinyModelOptions } from './trainHelpers';
import {
  chooseHead,
  deviceTargets,
  denseHeadBytes,
  DENSE_MAX_K,
  targetMatrix,
  type HeadQuery,
} from '../src/internal';

const tiny = tinyModelOptions;
const weights = modelWeights;

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

describe('model: dense head on the engine with sparse targets', function () {
  const trainSet = tinySamples(48, 1, 24);
  const table = exemplarTable(trainSet);

  after(async () => {
    await engine.init({ backend: 'wasm' });
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    describe(`on ${backend}`, () => {
      before(async () => {
        await engine.init({ backend });
      });

      it('builds the same B × K target as the JavaScript target matrix, for every loss, leaking nothing', () => {
        const K = 37;
        const B = 5;
        const rng = new Rng(4);
        const lists = Array.from({ length: B }, (_, i) =>
          i === 3
            ? [7]
            : [...new Set(Array.from({ length: 1 + rng.int(6) }, () => rng.int(K)))].sort((a, b) => a - b),
        );
        const offsets = new Int32Array(B + 1);
        lists.forEach((l, i) => (offsets[i + 1] = offsets[i] + l.length));
        const membership = { offsets, indices: Int32Array.from(lists.flat()) };
        const nearest = Int32Array.from(lists.map((l) => l[0]));
        for (const loss of LOSSES) {
          const before = tf.memory().numTensors;
          const T = deviceTargets(loss, K, nearest, membership);
          assert.deepEqual(T.shape, [B, K]);
          assert.equal(T.dtype, 'float32');
          const got = T.dataSync();
          T.dispose();
          assert.equal(tf.memory().numTensors, before, `${loss}: no tensor leaked`);
          assert.deepEqual(Array.from(got), Array.from(targetMatrix(loss, K, nearest, membership)), loss);
        }
      });

      it('trains to the same loss and weights as the host-built target (within 1e-5), for every loss', async () => {
        for (const loss of LOSSES) {
          const a = createModel(table, { ...tiny, seed: 5 });
          const b = createModel(table, { ...tiny, seed: 5 });
          a.centerChunks();
          b.centerChunks();
          const opts = {
            progress: 'none',
            batchSize: 16,
            tau: 0.08,
            learningRate: 0.01,
            seed: 2,
            epochs: 2,
            loss,
            head: 'dense',
          } as const;
          const before = tf.memory().numTensors;
          const ra = await train(a, trainSet, { ...opts, targets: 'device' });
          const rb = await train(b, trainSet, { ...opts, targets: 'host' });
          assert.equal(tf.memory().numTensors, before, `${loss}: no tensors leaked by training`);
          assert.equal(ra.targets, 'device');
          assert.equal(rb.targets, 'host');
          assert.equal(ra.steps, 6);
          ra.history.forEach((h, e) =>
            assert.ok(
              Math.abs(h.loss - rb.history[e].loss) <= 1e-5 * Math.max(1, Math.abs(h.loss)),
              `${loss} epoch ${e + 1}: ${h.loss} vs ${rb.history[e].loss}`,
            ),
          );
          const wa = weights(a);
          const wb = weights(b);
          wa.forEach((w, i) =>
            assert.ok(maxDiff(w, wb[i]) <= 1e-5, `${loss} weight ${i}: ${maxDiff(w, wb[i])}`),
          );
          a.dispose();
          b.dispose();
        }
      });
    });
  }

  describe("head 'auto' by backend capability", () => {
    const q = (over: Partial<HeadQuery>): HeadQuery => ({
      backend: 'wasm',
      K: 1000,
      D: 256,
      batchSize: 64,
      loss: 'multiLabel',
      head: 'auto',
      denseMaxBytes: 4 * 2 ** 30,
      ...over,
    });

    it('is dense on tensorflow / webgl / webgpu at K = 140,000 (D = 256) and says why', () => {
      for (const backend of ['tensorflow', 'webgl', 'webgpu']) {
        const c = chooseHead('train', q({ backend, K: 140000 }));
        assert.equal(c.head, 'dense', backend);
        assert.match(c.reason, new RegExp(`backend '${backend}' runs the dense head on the engine`));
      }
      assert.ok(denseHeadBytes(140000, 256, 64) < 2 ** 30, 'K = 140,000 fits in 1 GiB');
    });

    it('falls back to the sampled head on an accelerated backend only when the dense head does not fit', () => {
      const c = chooseHead('train', q({ backend: 'tensorflow', K: 140000, denseMaxBytes: 2 ** 28 }));
      assert.equal(c.head, 'sampled');
      assert.match(c.reason, /needs \d+ MiB > denseMaxBytes 256 MiB/);
      const s = chooseHead(
        'train',
        q({ backend: 'tensorflow', K: 140000, denseMaxBytes: 2 ** 28, loss: 'softmax' }),
      );
      assert.equal(s.head, 'dense');
      assert.match(s.reason, /only a dense head .* may not fit/);
    });

    it('keeps the sampled head on wasm / cpu above DENSE_MAX_K (multiLabel), dense at or below it and for other losses', () => {
      for (const backend of ['wasm', 'cpu']) {
        assert.equal(chooseHead('train', q({ backend, K: DENSE_MAX_K })).head, 'dense');
        const c = chooseHead('train', q({ backend, K: DENSE_MAX_K + 1 }));
        assert.equal(c.head, 'sampled');
        assert.match(c.reason, /runs on the CPU: K 5001 > DENSE_MAX_K 5000/);
        assert.equal(chooseHead('train', q({ backend, K: 140000, loss: 'softTarget' })).head, 'dense');
      }
    });

    it('honours an explicit head and refuses sampled for a loss without one', () => {
      assert.equal(chooseHead('train', q({ backend: 'tensorflow', head: 'sampled' })).head, 'sampled');
      assert.equal(chooseHead('train', q({ K: 140000, head: 'dense' })).head, 'dense');
      assert.throws(
        () => chooseHead('train', q({ head: 'sampled', loss: 'softmax' })),
        (e: unknown) =>
          e instanceof ValueError &&
          /argument 'head' 'sampled' expected loss 'multiLabel', got loss 'softmax'/.test(e.message),
      );
    });

    it('train reports the head, where its targets were built, and why', async () => {
      await engine.init({ backend: 'wasm' });
      const m = createModel(table, { ...tiny, seed: 1 });
      const r = await train(m, trainSet, { progress: 'none', epochs: 1, batchSize: 24 });
      assert.equal(r.head, 'dense');
      assert.equal(r.targets, 'device');
      assert.match(r.headReason, /backend 'wasm' runs on the CPU: K 48 ≤ DENSE_MAX_K 5000/);
      await assert.rejects(
        train(m, trainSet, { progress: 'none', targets: 'gpu' as 'device' }),
        (e: unknown) => e instanceof ValueError && /targets/.test(e.message),
      );
      m.dispose();
    });
  });
});
