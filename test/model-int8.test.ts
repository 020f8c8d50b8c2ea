import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ShapeError, ValueError } from '../src/errors';
import { createModel, loadModel, MODEL_KIND, predict, predictBatch, saveModel, train } from '../src/model';
import { Rng } from '../src/util/rng';
import { compileText, compileWat, generatedPath } from '../scripts/build-wasm';
import { int8HeadBytes } from '../src/model/int8Head';
import { readContainer } from '../src/model/container';
import { expectClose } from './helpers';
import { exemplarTable, initBackend, randomTable, tinySamples } from './modelFixtures';
import {
  Int8Head,
  int16FeatureLimit,
  REFINE_DELTA,
  DENSE_REFINE_FRACTION,
  DENSE_MIN_FRACTION,
  PARALLEL_MIN_CLASSES,
  topIndices,
} from '../src/internal';

/** Scores and softmax in float64 (the reference). */
function reference(W: Float32Array, b: Float32Array, f: Float32Array, K: number, D: number) {
  const s = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let a = b[k];
    for (let d = 0; d < D; d++) a += W[k * D + d] * f[d];
    s[k] = a;
  }
  let m = -Infinity;
  for (const v of s) m = Math.max(m, v);
  let z = 0;
  for (const v of s) z += Math.exp(v - m);
  return { s, p: Float64Array.from(s, (v) => Math.exp(v - m) / z) };
}

function randoms(n: number, rng: Rng, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => scale * rng.normal());
}

describe('model: 8-bit head (int8Head.ts, wasm)', function () {
  this.timeout(120000);

  before(async () => {
    console.log(`      backend: ${await initBackend()}`);
  });

  it('the compiled module matches its .wat source (npm run build:wasm)', async () => {
    const src = path.join(__dirname, '..', 'src', 'model', 'wasm', 'int8Head.wat');
    assert.equal(await compileWat(src), fs.readFileSync(generatedPath(src), 'utf8'));
    // the plain-memory variant (hosts without shared memory) is the shared one with the import's flags patched
    const plain = await compileText(
      'int8Head.wat',
      fs.readFileSync(src, 'utf8').replace(' shared))', '))'),
      false,
    );
    assert.deepEqual(int8HeadBytes(false), plain);
    assert.notDeepEqual(int8HeadBytes(true), plain);
    // and it runs on plain memory
    const WA = (globalThis as unknown as { WebAssembly: Record<string, new (...a: unknown[]) => unknown> })
      .WebAssembly;
    const memory = new WA.Memory({ initial: 1, maximum: 1 }) as { buffer: ArrayBuffer };
    const inst = new WA.Instance(new WA.Module(plain), { env: { memory } }) as {
      exports: { rowMax(row: number, K: number): number };
    };
    new Float32Array(memory.buffer, 0, 6).set([1, 5, -2, 7.5, 3, 0]);
    assert.equal(inst.exports.rowMax(0, 6), 7.5);
  });

  it('scores stay within their error bound and the softmax is normalised (odd K and D, several faces)', () => {
    const rng = new Rng(1);
    for (const [K, D, B] of [
      [1, 1, 1],
      [7, 13, 3],
      [1003, 250, 5],
      [64, 1024, 2],
    ]) {
      const W = randoms(K * D, rng, 0.1);
      const b = randoms(K, rng);
      const dim = 6;
      const h = new Int8Head(K, D, dim, W, b, randoms(K * dim, rng));
      assert.equal(h.Dp % 16, 0);
      assert.equal(h.Kp % 4, 0);
      const f = randoms(B * D, rng, 3);
      for (const mode of ['list', 'dense'] as const) {
        const { probs, scoreErrorBound, refined, candidates } = h.posteriors(f, B, mode);
        assert.equal(probs.length, B * h.Kp);
        for (let i = 0; i < B; i++) {
          const { s: scores, p } = reference(W, b, f.subarray(i * D, (i + 1) * D), K, D);
          const top = Math.max(...scores);
          let sum = 0;
          let worst = 0;
          for (let k = 0; k < K; k++) {
            const q = probs[i * h.Kp + k];
            sum += q;
            // classes safely inside the refined band carry the 16-bit bound; after a dense pass, every class
            if (mode === 'dense' || scores[k] >= top - REFINE_DELTA + 1) {
              worst = Math.max(worst, Math.abs(Math.log(q / p[k])));
            }
          }
          for (let k = K; k < h.Kp; k++) assert.equal(probs[i * h.Kp + k], 0, 'padding lanes');
          assert.ok(Math.abs(sum - 1) < 1e-5, `K ${K} D ${D}: sum ${sum}`);
          // a probability ratio moves by at most twice the score bound (plus float32 rounding)
          assert.ok(
            worst <= 2 * scoreErrorBound[i] + 1e-4,
            `K ${K} D ${D}: ${worst} > 2 × ${scoreErrorBound[i]}`,
          );
          assert.ok(scoreErrorBound[i] > 0);
          assert.ok(refined[i] >= 1 && refined[i] <= K);
          assert.equal(candidates[i].length, refined[i]);
          if (mode === 'dense') assert.equal(refined[i], K, 'a dense pass refines every class');
        }
      }
      // the coarse plane alone is what the unrefined classes use: its error is ~254× the refined one
      const coarse = h.dequantized(true);
      const fine = h.dequantized();
      let eC = 0;
      let eF = 0;
      for (let j = 0; j < W.length; j++) {
        eC = Math.max(eC, Math.abs(coarse[j] - W[j]));
        eF = Math.max(eF, Math.abs(fine[j] - W[j]));
      }
      assert.ok(eC === 0 ? eF === 0 : eF * 100 < eC, `refined weight error ${eF} vs coarse ${eC}`);
    }
  });

  it("refine 'auto' goes dense for a batch of spread posteriors and through lists for peaked ones", () => {
    const rng = new Rng(2);
    const K = 3001;
    const D = 32;
    const W = randoms(K * D, rng, 1);
    const h = new Int8Head(K, D, 4, W, new Float32Array(K), randoms(K * 4, rng));
    const f = randoms(4 * D, rng, 6);
    // scores with a spread (std) of ~34: few classes within 20 of the top
    const peaked = h.posteriors(f, 4);
    assert.ok(
      peaked.refined.every((n) => n < K * DENSE_REFINE_FRACTION),
      `${peaked.refined}`,
    );
    const listed = Float32Array.from(peaked.probs);
    // a hundredth of the features: every class within 20 of the top
    const flat = h.posteriors(
      f.map((v) => v / 100),
      4,
    );
    assert.ok(flat.refined.every((n) => n === K));
    assert.ok(flat.candidates.every((c) => c === h.allClasses()));
    // the same features through either pass: the same posteriors (the listed classes hold all the mass)
    expectClose(h.posteriors(f, 4, 'dense').probs, listed, 1e-6, 'dense vs list');
    assert.throws(() => h.posteriors(f, 4, 'sparse' as 'list'), /refine expected 'auto', 'list' or 'dense'/);
  });

  it('sums exactly in 32 bits at the largest features (no overflow at D = 1024)', () => {
    const K = 3;
    const D = 1024;
    const W = new Float32Array(K * D).fill(1); // every weight at q = 127
    W.fill(-1, D, 2 * D);
    W.fill(0, 2 * D);
    const h = new Int8Head(K, D, 2, W, new Float32Array(K), new Float32Array(K * 2));
    assert.equal(int16FeatureLimit(1024), Math.floor(0x7fffffff / (127 * 1024)));
    const f = new Float32Array(D).fill(0.01); // all features at the limit: the largest sum
    const { probs } = h.posteriors(f, 1);
    // scores 10.24, −10.24, 0 exactly representable in the quantised form
    const z = Math.exp(10.24) + Math.exp(-10.24) + 1;
    expectClose(probs.subarray(0, 3), [Math.exp(10.24) / z, Math.exp(-10.24) / z, 1 / z], 1e-6, 'probs');
  });

  it('its exp is accurate to float32 over the whole range and flushes below e^-87 to 0', () => {
    const K = 200;
    const D = 16;
    const W = new Float32Array(K * D);
    const b = Float32Array.from({ length: K }, (_, k) => -k * 0.6); // scores 0 … −119.4
    const h = new Int8Head(K, D, 2, W, b, new Float32Array(K * 2));
    const { probs } = h.posteriors(new Float32Array(D), 1);
    const { p } = reference(W, b, new Float32Array(D), K, D);
    for (let k = 0; k < K; k++) {
      if (b[k] < -87) assert.equal(probs[k], 0, `k ${k}`);
      else assert.ok(Math.abs(probs[k] / p[k] - 1) < 2e-6, `k ${k}: ${probs[k]} vs ${p[k]}`);
    }
  });

  it('a zero row scores its bias; a zero feature gives the softmax of the biases', () => {
    const K = 5;
    const D = 8;
    const W = Float32Array.from({ length: K * D }, (_, i) => (i < D ? 0 : Math.sin(i)));
    const b = Float32Array.from([1, 2, 3, 4, 5]);
    const h = new Int8Head(K, D, 2, W, b, new Float32Array(K * 2));
    const { probs } = h.posteriors(new Float32Array(D), 1);
    const z = [1, 2, 3, 4, 5].reduce((a, v) => a + Math.exp(v), 0);
    expectClose(
      probs.subarray(0, 5),
      [1, 2, 3, 4, 5].map((v) => Math.exp(v) / z),
      1e-6,
      'bias softmax',
    );
    assert.deepEqual(Array.from(h.dequantized().subarray(0, D)), new Array(D).fill(0));
  });

  it('expectedSumOver / expectedSumAll: blocks of classes, 32 and 8 coordinates at a time plus the tail, match float64', () => {
    const rng = new Rng(6);
    for (const dim of [10, 136, 3]) {
      const K = 1000;
      const D = 16;
      const c = randoms(K * dim, rng);
      const h = new Int8Head(K, D, dim, randoms(K * D, rng, 0.3), new Float32Array(K), c);
      const { probs } = h.posteriors(randoms(2 * D, rng), 2);
      const kept = Int32Array.from({ length: 700 }, (_, i) => (i * 37) % K); // 700 distinct classes, any order
      for (const b of [0, 1]) {
        const got = h.expectedSumOver(b, kept);
        const ref = new Float64Array(dim);
        for (const k of kept) for (let j = 0; j < dim; j++) ref[j] += probs[b * h.Kp + k] * c[k * dim + j];
        expectClose(got, ref, 1e-6, `dim ${dim} face ${b}`);
      }
      assert.deepEqual(Array.from(h.expectedSumOver(0, new Int32Array(0))), new Array(dim).fill(0));
      assert.throws(() => h.expectedSumOver(40, kept), ShapeError);
      // every class, in order (no list)
      const ref = new Float64Array(dim);
      for (let k = 0; k < K; k++) for (let j = 0; j < dim; j++) ref[j] += probs[h.Kp + k] * c[k * dim + j];
      expectClose(h.expectedSumAll(1), ref, 1e-6, `dim ${dim} all classes`);
      expectClose(
        h.expectedSumAll(1),
        h.expectedSumOver(1, h.allClasses()),
        1e-12,
        'in order = through the list',
      );
      assert.throws(() => h.expectedSumAll(32), /a face in 0…31, got 32/);
    }
  });

  it('expectedSumDense: every class for a list of faces (groups of 4, a short last group) matches float64', () => {
    const rng = new Rng(8);
    for (const dim of [10, 136, 3]) {
      const K = 1001; // not a multiple of the 128-class block or of 4
      const D = 16;
      const c = randoms(K * dim, rng);
      const h = new Int8Head(K, D, dim, randoms(K * D, rng, 0.3), new Float32Array(K), c);
      const { probs } = h.posteriors(randoms(7 * D, rng), 7);
      for (const faces of [[0], [6, 2, 4], [0, 1, 2, 3, 4, 5, 6]]) {
        const got = h.expectedSumDense(faces);
        assert.equal(got.length, faces.length * dim);
        faces.forEach((b, i) => {
          const ref = new Float64Array(dim);
          for (let k = 0; k < K; k++)
            for (let j = 0; j < dim; j++) ref[j] += probs[b * h.Kp + k] * c[k * dim + j];
          expectClose(got.subarray(i * dim, (i + 1) * dim), ref, 1e-6, `dim ${dim} faces ${faces} face ${b}`);
        });
      }
      // a short group writes its padding to the spare sums, never to a listed face's: same answer alone as in a group
      expectClose(h.expectedSumDense([5]), h.expectedSumDense([5, 6]).subarray(0, dim), 0, 'face 5 alone');
      assert.equal(h.expectedSumDense([]).length, 0);
      assert.throws(() => h.expectedSumDense([1, 1]), /distinct faces in 0…31, got 1, 1/);
      assert.throws(() => h.expectedSumDense([32]), ShapeError);
      assert.throws(() => h.expectedSumDense([0.5]), ShapeError);
    }
  });

  it('spread posteriors in a batch take the one-pass sum over every class; one face alone its list; both exact', () => {
    const table = randomTable(2000, 5, 9);
    const m = createModel(table, { input: { size: 16 }, widths: [4, 8], featureDim: 16, seed: 6 });
    const rng = new Rng(5);
    m.updateHead((W) => {
      // a nearly flat posterior
      for (let i = 0; i < W.length; i++) W[i] = rng.normal() * 0.05;
    });
    m.inferenceOnly({ head: 'int8' });
    const q = m.int8Head() as Int8Head;
    const dense = q.expectedSumDense.bind(q);
    const calls: number[][] = [];
    q.expectedSumDense = (faces) => {
      calls.push(Array.from(faces));
      return dense(faces);
    };
    const faces = tinySamples(5, 12, 24).map((s) => ({ image: s.image, box: s.box }));
    const got = predictBatch(m, faces);
    assert.deepEqual(calls, [[0, 1, 2, 3, 4]], 'one pass for the five spread faces');
    const dim = 10;
    got.forEach((p, i) => {
      assert.equal(p.expectedOmittedMass, 0);
      assert.equal(p.expectedErrorBound, 0);
      const { box } = faces[i];
      for (let j = 0; j < dim; j++) {
        let e = 0;
        for (let k = 0; k < m.K; k++) e += p.posterior[k] * table.centers[k * dim + j];
        const px = j % 2 === 0 ? box.x + e * box.width : box.y + e * box.height;
        assert.ok(
          Math.abs(p.expectedShape[j] - px) < 1e-4,
          `face ${i} coordinate ${j}: ${p.expectedShape[j]} vs ${px}`,
        );
      }
    });
    calls.length = 0;
    const one = predict(m, faces[2].image, faces[2].box);
    assert.equal(calls.length, 0, 'a face alone is summed through its list');
    for (let j = 0; j < dim; j++) {
      assert.ok(Math.abs(one.expectedShape[j] - got[2].expectedShape[j]) <= one.expectedErrorBound + 1e-4);
    }
    m.dispose();
  });

  it('a helper thread (threads: 2) gives the same posteriors and sums as one thread, and stops on dispose', function () {
    this.timeout(60000);
    const rng = new Rng(12);
    const K = PARALLEL_MIN_CLASSES * 2 + 37; // above the threshold, not a multiple of any block
    const D = 24;
    const dim = 10;
    const W = randoms(K * D, rng, 0.2);
    const b = randoms(K, rng, 0.1);
    const c = randoms(K * dim, rng);
    const one = new Int8Head(K, D, dim, W, b, c, { threads: 1 });
    const two = new Int8Head(K, D, dim, W, b, c, { threads: 2 });
    assert.equal(two.threads, 2);
    const faces = Array.from({ length: 5 }, (_, i) => i);
    for (const [scale, refine] of [
      [3, 'list'],
      [3, 'dense'],
      [0.3, 'list'], // spread: the listed rows (most classes) are split between the threads too
      [0.3, 'auto'],
    ] as const) {
      const f = randoms(5 * D, rng, scale);
      const r1 = one.posteriors(f, 5, refine);
      const p1 = Float32Array.from(r1.probs);
      const s1 = {
        all: one.expectedSumAll(3),
        dense: one.expectedSumDense(faces),
        list: one.expectedSumOver(1, r1.candidates[1]),
      };
      const r2 = two.posteriors(f, 5, refine);
      assert.ok(two.helperRunning, 'the helper started');
      // the scores are split by class, each computed as on one thread: the same bits
      expectClose(r2.probs, p1, 0, `${refine}: posteriors`);
      assert.deepEqual(Array.from(r2.refined), Array.from(r1.refined));
      if (scale < 1)
        assert.ok(
          r2.refined.every((n) => n >= PARALLEL_MIN_CLASSES),
          'enough classes to split',
        );
      // the sums are split in two and added in float64: equal to rounding
      expectClose(two.expectedSumAll(3), s1.all, 1e-9, `${refine}: in order`);
      expectClose(two.expectedSumDense(faces), s1.dense, 1e-9, `${refine}: batch pass`);
      expectClose(two.expectedSumOver(1, r2.candidates[1]), s1.list, 1e-9, `${refine}: list`);
    }
    two.dispose();
    assert.equal(two.helperRunning, false);
    // still works, on one thread
    const f = randoms(2 * D, rng);
    expectClose(two.posteriors(f, 2).probs, one.posteriors(f, 2).probs, 0, 'after dispose');
    assert.equal(two.helperRunning, false);
    one.dispose();
    assert.throws(
      () =>
        new Int8Head(4, 2, 2, new Float32Array(8), new Float32Array(4), new Float32Array(8), {
          threads: 3 as 2,
        }),
      /option 'threads' expected 1 or 2, got 3/,
    );
  });

  it('topK: the SIMD scan equals topIndices (ties, odd K, k up to K) and refuses bad k', () => {
    const rng = new Rng(21);
    for (const K of [1, 3, 7, 1001]) {
      const D = 8;
      const W = Float32Array.from({ length: K * D }, () => Math.round(rng.normal()));
      const h = new Int8Head(K, D, 2, W, new Float32Array(K), randoms(K * 2, rng), { threads: 1 });
      const f = randoms(3 * D, rng);
      f.fill(0, 2 * D); // face 2: every score equal, all tied
      const { probs } = h.posteriors(f, 3);
      for (let b = 0; b < 3; b++) {
        for (const k of [1, Math.min(5, K), K]) {
          const row = probs.subarray(b * h.Kp, b * h.Kp + K);
          assert.deepEqual(
            Array.from(h.topK(b, k)),
            Array.from(topIndices(row, k)),
            `K ${K} face ${b} k ${k}`,
          );
        }
      }
      assert.throws(() => h.topK(0, K + 1), /1 ≤ k ≤/);
      assert.throws(() => h.topK(32, 1), ShapeError);
    }
  });

  it('one face alone, spread: listed through the in-order plan or streamed, always within the bound', () => {
    const K = 4000;
    const table = randomTable(K, 5, 13);
    const rng = new Rng(6);
    const base = Float32Array.from({ length: K * 16 }, () => rng.normal()); // K × featureDim
    const face = tinySamples(1, 14, 24)[0];
    const seen = new Set<string>();
    for (const scale of [0.02, 0.1, 0.2, 0.3, 0.45, 0.7, 1, 1.5, 2.5]) {
      const mm = createModel(table, { input: { size: 16 }, widths: [4, 8], featureDim: 16, seed: 8 });
      mm.updateHead((W) => {
        for (let i = 0; i < base.length; i++) W[i] = base[i] * scale;
      });
      mm.inferenceOnly({ head: 'int8', threads: 1 });
      const q = mm.int8Head() as Int8Head;
      let refined = 0;
      let path = '';
      const post = q.posteriors.bind(q);
      q.posteriors = (f, B, r) => {
        const out = post(f, B, r);
        refined = out.refined[0];
        return out;
      };
      const over = q.expectedSumOver.bind(q);
      q.expectedSumOver = (b, kept) => ((path = 'list'), over(b, kept));
      const all = q.expectedSumAll.bind(q);
      q.expectedSumAll = (b) => ((path = 'stream'), all(b));
      const p = predict(mm, face.image, face.box);
      seen.add(`${refined > K * DENSE_MIN_FRACTION ? 'spread' : 'peaked'} ${path}`);
      for (let j = 0; j < 10; j++) {
        let e = 0;
        for (let k = 0; k < K; k++) e += p.posterior[k] * table.centers[k * 10 + j];
        const px = j % 2 === 0 ? face.box.x + e * face.box.width : face.box.y + e * face.box.height;
        assert.ok(
          Math.abs(p.expectedShape[j] - px) <= p.expectedErrorBound + 1e-3,
          `scale ${scale} coordinate ${j}`,
        );
      }
      mm.dispose();
    }
    // the three ways a face alone is summed all occurred
    for (const way of ['spread stream', 'spread list', 'peaked list'])
      assert.ok(seen.has(way), `${way}: ${[...seen]}`);
  });

  it('refuses bad input with named errors', () => {
    const W = new Float32Array(8);
    assert.throws(
      () => new Int8Head(2, 4, 2, new Float32Array(7), new Float32Array(2), new Float32Array(4)),
      (e: Error) => e instanceof ShapeError && /expected 2×4 weights/.test(e.message),
    );
    W[5] = NaN;
    assert.throws(
      () => new Int8Head(2, 4, 2, W, new Float32Array(2), new Float32Array(4)),
      (e: Error) => e instanceof ValueError && /class 1 are not finite/.test(e.message),
    );
    const h = new Int8Head(2, 4, 2, new Float32Array(8), Float32Array.from([0, NaN]), new Float32Array(4));
    assert.throws(() => h.posteriors(new Float32Array(4), 1), /scores of face 0 are not finite/);
    // a NaN among the 4-lane blocks too, through either residual pass
    const b9 = new Float32Array(9);
    b9[2] = NaN;
    const h9 = new Int8Head(9, 4, 2, new Float32Array(36), b9, new Float32Array(18), { threads: 1 });
    for (const mode of ['list', 'dense'] as const) {
      assert.throws(() => h9.posteriors(new Float32Array(4), 1, mode), /scores of face 0 are not finite/);
    }
    assert.throws(() => h.posteriors(new Float32Array(4), 33), ShapeError);
    assert.throws(() => h.setBias(new Float32Array(3)), ShapeError);
    // beyond wasm32's 4 GiB: named, before any allocation (the lengths are checked against K and D only)
    const huge = { length: 3e6 * 1024 } as unknown as Float32Array;
    assert.throws(
      () => new Int8Head(3e6, 1024, 0, huge, { length: 3e6 } as unknown as Float32Array, new Float32Array(0)),
      (e: Error) => e instanceof ValueError && /beyond WebAssembly's 4 GiB/.test(e.message),
    );
  });

  it('inferenceOnly({ head: "int8" }) on a trained model: same MAP classes, posterior close, no tensor leaks', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xl-int8-'));
    const empty = tf.memory().numTensors;
    const trainSet = tinySamples(96, 1, 24);
    const valSet = tinySamples(24, 2, 24);
    const opts = { input: { size: 16 }, widths: [8, 16], featureDim: 16, seed: 1 };
    const model = createModel(exemplarTable(trainSet), opts);
    await train(model, trainSet, {
      progress: 'none',
      batchSize: 16,
      tau: 0.08,
      learningRate: 0.01,
      seed: 3,
      epochs: 6,
    });
    const items = valSet.map((s) => ({ image: s.image, box: s.box }));
    const ref = predictBatch(model, items, { expectedTolerance: 0 });
    const file = path.join(dir, 'm.xlm');
    saveModel(model, file);
    const before = tf.memory().numTensors;
    const q = loadModel(file, { inference: true, head: 'int8' });
    assert.equal(q.headPrecision, 'int8');
    assert.ok(q.isInferenceOnly);
    // the float head never reached the engine: only the backbone's variables were added
    assert.equal(tf.memory().numTensors - before, q.backbone.getWeights().length);
    assert.throws(() => q.tensors(), /8-bit head has no engine-side tensors/);
    // loaded from views of the file's bytes: what the model keeps is copied out, so the file's buffer can go
    const t = q.table;
    for (const a of [q.headB, t.sigma, t.pose, t.visibility, t.memberOffsets]) {
      assert.equal(a.buffer.byteLength, a.byteLength, 'an own buffer, not a view of the file');
    }
    const copied = readContainer('t', file, MODEL_KIND);
    const viewed = readContainer('t', file, MODEL_KIND, { views: true });
    for (const name of Object.keys(copied.arrays)) {
      expectClose(viewed.arrays[name], copied.arrays[name], 0, name);
    }
    assert.equal(
      viewed.arrays['head/W'].buffer,
      viewed.arrays['table/centers'].buffer,
      'views share the file buffer',
    );
    assert.notEqual(copied.arrays['head/W'].buffer, copied.arrays['table/centers'].buffer);
    assert.throws(() => q.updateHead(() => {}), /inference-only/);
    const got = predictBatch(q, items, { expectedTolerance: 0 });
    let agree = 0;
    got.forEach((g, i) => {
      const r = ref[i];
      if (g.topK[0].index === r.topK[0].index) agree++;
      let tv = 0;
      for (let k = 0; k < q.K; k++) tv += Math.abs(g.posterior[k] - r.posterior[k]) / 2;
      assert.ok(tv < 1e-3, `face ${i}: total variation ${tv}`);
      assert.ok(g.scoreErrorBound > 0 && r.scoreErrorBound === 0);
      // expected shapes within a thousandth of a pixel of the float head's (boxes ~ 8 px)
      expectClose(g.expectedShape, r.expectedShape, 1e-3, `expected ${i}`);
      assert.equal(g.posterior.length, q.K);
    });
    assert.equal(agree, items.length, 'the MAP class agrees on every face');
    // batches above the kernel's 32 faces, and batch sizes that split them, give the same answer
    const many = predictBatch(q, [...items, ...items], { batchSize: 48, expectedTolerance: 0 });
    expectClose(many[30].posterior, got[6].posterior, 1e-7, 'batch 48');
    expectClose(
      predict(q, items[3].image, items[3].box, { expectedTolerance: 0 }).expectedShape,
      got[3].expectedShape,
      1e-4,
    );
    // the default tolerance stays within its bound
    const lean = predict(q, items[0].image, items[0].box);
    for (let j = 0; j < lean.expectedShape.length; j++) {
      assert.ok(Math.abs(lean.expectedShape[j] - got[0].expectedShape[j]) <= lean.expectedErrorBound + 1e-4);
    }
    const mid = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) predict(q, items[i % items.length].image, items[i % items.length].box);
    assert.equal(tf.memory().numTensors, mid, 'no tensors leaked by 100 predictions');
    // in place on the trainable model: the same weights, and its engine head is freed
    model.tensors();
    const withHead = tf.memory().numTensors;
    model.inferenceOnly({ head: 'int8' });
    // the engine head (Wᵀ, b) and, when a spread posterior needed it, the engine copy of the centres are freed
    assert.ok(withHead - tf.memory().numTensors >= 2, 'engine head freed');
    expectClose(model.headWeights(), q.headWeights(), 0, 'same quantisation');
    expectClose(model.table.centers, q.table.centers, 0, 'centres');
    assert.throws(() => model.inferenceOnly(), /already 8-bit/);
    assert.throws(() => model.inferenceOnly({ head: 'int4' as 'int8' }), /'float32' or 'int8'/);
    // saving stores the dequantised head: reloading as int8 reproduces the same weights exactly
    saveModel(q, path.join(dir, 'q.xlm'));
    const q2 = loadModel(path.join(dir, 'q.xlm'), { inference: true, head: 'int8' });
    expectClose(q2.headWeights(), q.headWeights(), 1e-7, 'requantised');
    assert.throws(() => loadModel(file, { head: 'int8' }), /needs inference: true/);
    assert.throws(() => loadModel(file, { inference: true, head: 'half' as 'int8' }), /'float32' or 'int8'/);
    await assert.rejects(() => train(q, trainSet), /inference-only/);
    // a NaN reaching the features is refused by name, not turned into a NaN posterior: the feature layer's bias
    const ws = q2.backbone.getWeights();
    const nan = tf.fill(ws[ws.length - 1].shape, NaN);
    q2.backbone.setWeights([...ws.slice(0, -1), nan]);
    nan.dispose();
    assert.throws(
      () => predict(q2, items[0].image, items[0].box),
      (e: Error) => e instanceof ValueError && /non-finite feature for face 0/.test(e.message),
    );
    for (const m of [q, q2, model]) m.dispose();
    assert.equal(tf.memory().numTensors, empty, 'every tensor freed');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('top-k and the expected shape taken among the candidates equal those over all classes', () => {
    const table = randomTable(3000, 5, 8);
    const m = createModel(table, { input: { size: 16 }, widths: [4, 8], featureDim: 16, seed: 4 });
    const rng = new Rng(3);
    m.updateHead((W) => {
      for (let i = 0; i < W.length; i++) W[i] = rng.normal() * 0.8;
    });
    m.inferenceOnly({ head: 'int8' });
    const faces = tinySamples(6, 11, 24).map((s) => ({ image: s.image, box: s.box }));
    const lean = predictBatch(m, faces, { topK: 7 });
    const exact = predictBatch(m, faces, { topK: 7, expectedTolerance: 0 });
    lean.forEach((p, i) => {
      assert.deepEqual(
        p.topK.map((t) => t.index),
        Array.from(topIndices(p.posterior, 7)),
        `face ${i}`,
      );
      assert.ok(p.expectedOmittedMass <= 1e-4);
      for (let j = 0; j < p.expectedShape.length; j++) {
        assert.ok(
          Math.abs(p.expectedShape[j] - exact[i].expectedShape[j]) <= p.expectedErrorBound + 1e-4,
          `face ${i}`,
        );
      }
    });
    m.dispose();
  });

  it('a random 5-class head: int8 and float predict the same top class on random inputs', () => {
    const table = randomTable(5, 5, 3);
    const m = createModel(table, { input: { size: 16 }, widths: [4, 8], featureDim: 8, seed: 5 });
    m.updateHead((W) => {
      for (let i = 0; i < W.length; i++) W[i] = Math.sin(i * 1.3) * 2;
    });
    const [s] = tinySamples(1, 9, 32);
    const a = predict(m, s.image, s.box);
    m.inferenceOnly({ head: 'int8' });
    const b = predict(m, s.image, s.box);
    assert.equal(b.topK[0].index, a.topK[0].index);
    m.dispose();
  });
});
