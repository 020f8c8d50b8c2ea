/**
 * classes: membership sets and nearest classes are the same at reduced product precision. The block products'
 * operands are rounded to a 10-bit mantissa (BlockOptions.simulateMantissaBits: what TensorFloat-32 does to
 * float32 products on current NVIDIA GPUs), and every consumer of the one scan (classes.membership,
 * classes.nearestClass, model.batchTargets, which training and experiments.scoreClassifier use) still gives the
 * brute-force float64 answer, where the distances of the rounded products alone would not.
 */
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { kmeans, membership, nearestClass } from '../src/classes';
import { nearestTwo, prepareReference, releaseReference, roundMantissa } from '../src/classes/blockDistances';
import { centerIndex, centerIndexRelease } from '../src/classes/centerIndex';
import { batchTargets } from '../src/model/batchTargets';
import { Rng } from '../src/util/rng';
import { tableFromCenters } from './modelFixtures';

const nPoints = 68;
const dim = 2 * nPoints;

function exactD2(a: Float32Array, i: number, b: Float32Array, k: number): number {
  let s = 0;
  for (let j = 0; j < dim; j++) s += (a[i * dim + j] - b[k * dim + j]) ** 2;
  return s;
}

/** ||y||² + ||mu||² − 2 y·mu with both operands rounded to 10 bits, uncentred (a product without rechecks). */
function naiveD2(y: Float32Array, i: number, c: Float32Array, k: number): number {
  const a = Float32Array.from(y.subarray(i * dim, (i + 1) * dim));
  const b = Float32Array.from(c.subarray(k * dim, (k + 1) * dim));
  roundMantissa(a, 10);
  roundMantissa(b, 10);
  let yy = 0;
  let mm = 0;
  let ym = 0;
  for (let j = 0; j < dim; j++) {
    yy += a[j] * a[j];
    mm += b[j] * b[j];
    ym += a[j] * b[j];
  }
  return yy + mm - 2 * ym;
}

describe('classes: exact at reduced precision (TF32 simulated)', () => {
  before(async () => {
    await tf.ready();
  });
  // Exemplar-like: centres are box-coordinate shapes near 0.5 with small spread; queries are centres moved by
  // about tau, some placed exactly at tau from a centre, some exactly between two centres (near-ties).
  const rng = new Rng(77);
  const K = 400;
  const centers = new Float32Array(K * dim);
  for (let i = 0; i < centers.length; i++) centers[i] = 0.5 + (i % 2 ? 0.1 : 0) + rng.normal(0, 0.02);
  const table = tableFromCenters(centers, nPoints);
  const tau = 0.02;
  const B = 120;
  const shapes = new Float32Array(B * dim);
  const step = new Float64Array(dim);
  for (let i = 0; i < B; i++) {
    const k = rng.int(K);
    const kind = i % 3;
    // kind 0: at RMS distance tau·(1 ± 1e-5) from centre k (on the boundary at 10-bit precision);
    // kind 1: about tau away; kind 2: halfway between centres k and k + 1 (a near-tie for the nearest)
    let n = 0;
    for (let j = 0; j < dim; j++) n += (step[j] = rng.normal()) ** 2;
    const scale = (kind === 0 ? tau * (1 + 1e-5 * rng.normal()) : tau * 0.75) * Math.sqrt(nPoints / n);
    for (let j = 0; j < dim; j++) {
      const c = centers[k * dim + j];
      shapes[i * dim + j] = kind === 2 ? (c + centers[((k + 1) % K) * dim + j]) / 2 : c + step[j] * scale;
    }
  }
  const r2 = tau * tau * nPoints;

  const want = Array.from({ length: B }, (_, i) =>
    Array.from({ length: K }, (_, k) => k).filter((k) => exactD2(shapes, i, centers, k) <= r2),
  );
  const wantNearest = Array.from({ length: B }, (_, i) => {
    let best = 0;
    for (let k = 1; k < K; k++)
      if (exactD2(shapes, i, centers, k) < exactD2(shapes, i, centers, best)) best = k;
    return best;
  });

  const sets = (m: { offsets: Int32Array; indices: Int32Array }) =>
    Array.from({ length: B }, (_, i) => Array.from(m.indices.subarray(m.offsets[i], m.offsets[i + 1])));

  it('the case is hard: the rounded products alone get sets and nearest classes wrong', () => {
    let setErrors = 0;
    let nearestErrors = 0;
    for (let i = 0; i < B; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let k = 0; k < K; k++) {
        const d = naiveD2(shapes, i, centers, k);
        if (d <= r2 !== want[i].includes(k)) setErrors++;
        if (d < bestD) [best, bestD] = [k, d];
      }
      if (best !== wantNearest[i]) nearestErrors++;
    }
    console.log(
      `      10-bit products without rechecks: ${setErrors} set entries, ${nearestErrors} nearest wrong`,
    );
    assert.ok(setErrors > 0 && nearestErrors > 0, `${setErrors} / ${nearestErrors}`);
    assert.ok(
      want.some((s) => s.length >= 2) && want.some((s) => s.length === 0),
      'non-trivial and empty sets',
    );
  });

  it('membership and nearestClass are unchanged with 10-bit products, and equal the float64 definition', () => {
    const before = tf.memory().numTensors;
    const full = membership(table, shapes, tau);
    const tf32 = membership(table, shapes, tau, { simulateMantissaBits: 10, maxBlockFloats: 4096 });
    assert.deepEqual(sets(full), want);
    assert.deepEqual(sets(tf32), want);
    assert.deepEqual(Array.from(nearestClass(table, shapes)), wantNearest);
    assert.deepEqual(Array.from(nearestClass(table, shapes, { simulateMantissaBits: 10 })), wantNearest);
    assert.equal(tf.memory().numTensors, before, 'no leaked tensors');
  });

  it('training targets (batchTargets) are unchanged with 10-bit products', () => {
    const index = centerIndex(centers, K, nPoints, { simulateMantissaBits: 10, maxBlockFloats: 8192 });
    try {
      const t = batchTargets(index, shapes, B, tau);
      assert.deepEqual(Array.from(t.nearest), wantNearest);
      const withNearest = want.map((s, i) => (s.length ? s : [wantNearest[i]]));
      assert.deepEqual(sets(t.membership), withNearest);
    } finally {
      centerIndexRelease(index);
    }
  });

  it('kmeans assigns every shape to its exact nearest centre, with and without 10-bit products', () => {
    for (const simulateMantissaBits of [undefined, 10]) {
      const r = kmeans(shapes, nPoints, { K: 7, seed: 2, simulateMantissaBits, maxBlockFloats: 2048 });
      const t = tableFromCenters(r.centers, nPoints);
      const exact = Array.from({ length: B }, (_, i) => {
        let best = 0;
        for (let k = 1; k < 7; k++)
          if (exactD2(shapes, i, r.centers, k) < exactD2(shapes, i, r.centers, best)) best = k;
        return best;
      });
      assert.deepEqual(Array.from(r.assignment), exact, `bits ${simulateMantissaBits}`);
      assert.deepEqual(Array.from(nearestClass(t, shapes)), exact);
    }
  });

  it("kmeans' assignment step (nearestTwo) decides the near-ties exactly with 10-bit products", () => {
    const p = prepareReference(centers, K, dim, { simulateMantissaBits: 10, maxBlockFloats: 4096 });
    const idx = new Int32Array(B);
    const d1 = new Float64Array(B);
    const d2 = new Float64Array(B);
    try {
      nearestTwo(shapes, B, centers, p, idx, d1, d2);
    } finally {
      releaseReference(p);
    }
    assert.deepEqual(Array.from(idx), wantNearest);
    for (let i = 0; i < B; i++) {
      assert.equal(d1[i], exactD2(shapes, i, centers, wantNearest[i]));
      // a valid lower bound on every other centre's squared distance (Hamerly's bounds rely on it)
      for (let k = 0; k < K; k++)
        if (k !== idx[i]) assert.ok(exactD2(shapes, i, centers, k) >= d2[i], `row ${i}`);
    }
  });
});
