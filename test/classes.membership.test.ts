/** classes: membership sets, their statistics, chooseTau, the class neighbour graph. */
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { chooseTau, classNeighbors, membership, membershipStats } from '../src/classes';
import type { ClassTable } from '../src/classes/types';
import { ValueError } from '../src/errors';
import { Rng } from '../src/util/rng';
import { Warnings } from '../src/util/warnings';
import { expectClose } from './helpers';
import { tableFromCenters } from './modelFixtures';

/** Shapes near 0.5 with per-coordinate sd `sd`. */
function randomShapes(rng: Rng, count: number, nPoints: number, sd: number): Float32Array {
  const out = new Float32Array(count * 2 * nPoints);
  for (let i = 0; i < out.length; i++) out[i] = 0.5 + rng.normal(0, sd);
  return out;
}

/** RMS point distance computed the obvious way (float64). */
function rms(a: Float32Array, i: number, b: Float32Array, k: number, nPoints: number): number {
  let s = 0;
  for (let j = 0; j < 2 * nPoints; j++) s += (a[i * 2 * nPoints + j] - b[k * 2 * nPoints + j]) ** 2;
  return Math.sqrt(s / nPoints);
}

function bruteSets(table: ClassTable, shapes: Float32Array, tau: number): number[][] {
  const B = shapes.length / (2 * table.nPoints);
  const out: number[][] = [];
  for (let i = 0; i < B; i++) {
    const set: number[] = [];
    for (let k = 0; k < table.K; k++) if (rms(shapes, i, table.centers, k, table.nPoints) <= tau) set.push(k);
    out.push(set);
  }
  return out;
}

function setsOf(m: { offsets: Int32Array; indices: Int32Array }): number[][] {
  return Array.from({ length: m.offsets.length - 1 }, (_, i) =>
    Array.from(m.indices.subarray(m.offsets[i], m.offsets[i + 1])),
  );
}

describe('classes: membership', () => {
  before(async () => {
    await tf.ready();
  });
  const rng = new Rng(21);
  const nPoints = 17;
  const table = tableFromCenters(randomShapes(rng, 300, nPoints, 0.03), nPoints);
  const shapes = randomShapes(rng, 80, nPoints, 0.03);

  it('equals the brute-force definition exactly, at several tau', () => {
    for (const tau of [0.045, 0.05, 0.055]) {
      const before = tf.memory().numTensors;
      const m = membership(table, shapes, tau);
      assert.equal(tf.memory().numTensors, before, 'no leaked tensors');
      const want = bruteSets(table, shapes, tau);
      assert.deepEqual(setsOf(m), want, `tau ${tau}`);
      const sizes = want.map((s) => s.length);
      assert.ok(Math.max(...sizes) >= 3, `tau ${tau}: non-trivial sets (max ${Math.max(...sizes)})`);
      console.log(
        `      tau ${tau}: mean |M_i| ${(sizes.reduce((a, b) => a + b, 0) / sizes.length).toFixed(1)}, ${sizes.filter((x) => x === 0).length} empty`,
      );
    }
  });

  it('decides entries on the boundary exactly (a class at exactly tau is a member)', () => {
    // Centre 0 at distance exactly 0.25 (representable), centre 1 just beyond.
    const t = tableFromCenters(Float32Array.of(0.25, 0, 0.25000003, 0), 1);
    const m = membership(t, Float32Array.of(0, 0), 0.25);
    assert.deepEqual(setsOf(m), [[0]]);
  });

  it('is exact for entries at the threshold itself (the float32 band is recomputed in float64)', () => {
    // tau set from an entry's exact distance: that entry sits on the boundary, where the float32 product
    // alone is right only by chance. The definition: ||y − mu||² ≤ tau²·N in float64.
    const dim = 2 * nPoints;
    const exact = (i: number, k: number): number => {
      let s = 0;
      for (let j = 0; j < dim; j++) s += (shapes[i * dim + j] - table.centers[k * dim + j]) ** 2;
      return s;
    };
    const r = new Rng(8);
    let onBoundary = 0;
    for (let trial = 0; trial < 12; trial++) {
      const i0 = r.int(80);
      const k0 = r.int(table.K);
      const tau = Math.sqrt(exact(i0, k0) / nPoints);
      const r2 = tau * tau * nPoints;
      const m = setsOf(membership(table, shapes, tau));
      const want = Array.from({ length: 80 }, (_, i) =>
        Array.from({ length: table.K }, (_, k) => k).filter((k) => exact(i, k) <= r2),
      );
      assert.deepEqual(m, want, `trial ${trial}`);
      if (want[i0].includes(k0)) onBoundary++;
    }
    assert.ok(onBoundary > 0);
  });

  it('withDistances returns each entry’s RMS distance', () => {
    const m = membership(table, shapes, 0.05, { withDistances: true, includeNearest: true });
    assert.ok(m.distances && m.distances.length === m.indices.length);
    for (let i = 0; i < 80; i++) {
      for (let t = m.offsets[i]; t < m.offsets[i + 1]; t++) {
        expectClose([m.distances[t]], [rms(shapes, i, table.centers, m.indices[t], nPoints)], 1e-5);
      }
    }
    assert.equal(membership(table, shapes, 0.05).distances, undefined);
  });

  it('gives the same sets in small blocks (rows and class chunks) as in one block', () => {
    const one = membership(table, shapes, 0.05);
    const blocked = membership(table, shapes, 0.05, { maxBlockFloats: 37, blockRows: 3 });
    assert.deepEqual(blocked, one);
  });

  it('includeNearest fills empty sets with the nearest class and warns once', () => {
    const tau = 0.03;
    const want = bruteSets(table, shapes, tau);
    const empties = want.filter((s) => s.length === 0).length;
    assert.ok(empties > 0, 'the case has empty sets');
    const warnings = new Warnings();
    const m = setsOf(membership(table, shapes, tau, { includeNearest: true, warnings }));
    for (let i = 0; i < want.length; i++) {
      if (want[i].length) assert.deepEqual(m[i], want[i]);
      else {
        let best = 0;
        for (let k = 1; k < table.K; k++)
          if (rms(shapes, i, table.centers, k, nPoints) < rms(shapes, i, table.centers, best, nPoints))
            best = k;
        assert.deepEqual(m[i], [best]);
      }
    }
    assert.equal(warnings.count('empty-membership'), 1);
    assert.match(warnings.items[0].message, new RegExp(`${empties} of 80 examples`));
  });

  it('rejects tau ≤ 0 and mismatched shapes with named errors', () => {
    for (const tau of [0, -1, NaN, Infinity]) {
      assert.throws(
        () => membership(table, shapes, tau),
        (e: Error) =>
          e instanceof ValueError &&
          /membership: argument 'tau' expected a finite radius > 0/.test(e.message),
      );
    }
    assert.throws(() => membership(table, new Float32Array(10), 0.1), /multiple of 2·nPoints = 34/);
    assert.throws(() => membershipStats(table, shapes, -0.1), /membershipStats: argument 'tau'/);
  });
});

describe('classes: membershipStats', () => {
  it('gives the sizes, mean, median, fraction empty and histogram of a known case', () => {
    // One point per shape (N = 1): RMS distance is the Euclidean distance.
    const t = tableFromCenters(Float32Array.of(0, 0, 1, 0, 2, 0, 10, 0), 1);
    const shapes = Float32Array.of(0, 0, 1.5, 0, 20, 0, 1, 0);
    const before = tf.memory().numTensors;
    const s = membershipStats(t, shapes, 1, { bins: 4 });
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(s.sizes, Int32Array.of(2, 2, 0, 3));
    assert.equal(s.mean, 7 / 4);
    assert.equal(s.median, 2);
    assert.equal(s.fractionEmpty, 1 / 4);
    assert.deepEqual(s.histogram.edges, Float64Array.of(0, 1, 2, 3, 4));
    assert.deepEqual(s.histogram.counts, Int32Array.of(1, 0, 2, 1));
    assert.deepEqual(membershipStats(t, shapes, 1, { blockRows: 1, maxBlockFloats: 2 }).sizes, s.sizes);
    // Log bins: [0, 1), then geometric from 1 to max + 1 = 4: [1, 2), [2, 4).
    const g = membershipStats(t, shapes, 1, { bins: 3, binning: 'log' });
    expectClose(g.histogram.edges, [0, 1, 2, 4], 1e-12);
    assert.deepEqual(g.histogram.counts, Int32Array.of(1, 0, 3));
  });
});

describe('classes: chooseTau', () => {
  // N = 1: centres at x = 0, 0.1, 0.3; the validation shape at 0. Oracle errors: tau 0.05 → {0}: 0;
  // 0.15 → {0, 0.1}: mean 0.05; 0.35 → all: mean 0.4/3.
  const t = tableFromCenters(Float32Array.of(0, 0, 0.1, 0, 0.3, 0), 1);
  const val = Float32Array.of(0, 0);
  const candidates = [0.35, 0.05, 0.15];

  it('computes the oracle error and set sizes per candidate', () => {
    const before = tf.memory().numTensors;
    const c = chooseTau(t, val, { candidates, criterion: { kind: 'max-error', maxError: 0.06 } });
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(c.candidates, Float64Array.of(0.05, 0.15, 0.35));
    expectClose(c.oracleError, [0, 0.05, 0.4 / 3], 1e-7, 'oracle error');
    assert.deepEqual(c.medianSize, Float64Array.of(1, 2, 3));
    assert.equal(c.tau, 0.15);
  });

  it('picks the largest tau within the error budget, or the smallest with a warning', () => {
    assert.equal(
      chooseTau(t, val, { candidates, criterion: { kind: 'max-error', maxError: 0.2 } }).tau,
      0.35,
    );
    assert.equal(
      chooseTau(t, val, { candidates, criterion: { kind: 'max-error', maxError: 0.01 } }).tau,
      0.05,
    );
    const warnings = new Warnings();
    const c = chooseTau(t, Float32Array.of(5, 5), {
      candidates,
      criterion: { kind: 'max-error', maxError: 0.01 },
      warnings,
    });
    assert.equal(c.tau, 0.05);
    assert.equal(warnings.count('tau-none-within-error'), 1);
    // The empty set falls back to the nearest centre (0.3, 0): error |(5,5) − (0.3,0)|.
    expectClose([c.oracleError[0]], [Math.hypot(4.7, 5)], 1e-6);
  });

  it('min-error picks the largest tau within (1 + slack) of the smallest oracle error', () => {
    // Centres at x = −0.1, 0.1, 0.5; truth at 0: tau 0.05 → nearest only (error 0.1); 0.15 → {−0.1, 0.1}
    // (mean 0: error 0); 0.7 → all (mean 1/6).
    const t2 = tableFromCenters(Float32Array.of(-0.1, 0, 0.1, 0, 0.5, 0), 1);
    const c = chooseTau(t2, val, { candidates: [0.05, 0.15, 0.7] });
    expectClose(c.oracleError, [0.1, 0, 0.5 / 3], 1e-7);
    assert.equal(c.tau, 0.15);
    assert.deepEqual(c.criterion, { kind: 'min-error', slack: 0.05 });
    // With the 1D case above (errors 0, 0.05, 0.133) the smallest is 0, so only tau 0.05 qualifies.
    assert.equal(chooseTau(t, val, { candidates, criterion: { kind: 'min-error', slack: 10 } }).tau, 0.05);
    assert.throws(
      () => chooseTau(t, val, { criterion: { kind: 'min-error', slack: -1 } }),
      /criterion.slack/,
    );
  });

  it('median-size picks the candidate whose median |M_i| is nearest the target', () => {
    assert.equal(chooseTau(t, val, { candidates, criterion: { kind: 'median-size', target: 2 } }).tau, 0.15);
    assert.equal(chooseTau(t, val, { candidates, criterion: { kind: 'median-size', target: 9 } }).tau, 0.35);
    assert.throws(
      () => chooseTau(t, val, { candidates: [0.1, -1] }),
      /chooseTau: argument 'candidates\[1\]'/,
    );
  });
});

describe('classes: classNeighbors', () => {
  const rng = new Rng(5);
  const nPoints = 6;
  const table = tableFromCenters(randomShapes(rng, 120, nPoints, 0.05), nPoints);

  it('k nearest other classes, nearest first, as brute force', () => {
    const before = tf.memory().numTensors;
    const g = classNeighbors(table, { k: 4, maxBlockFloats: 50 });
    assert.equal(tf.memory().numTensors, before);
    for (let c = 0; c < table.K; c++) {
      const d = Array.from({ length: table.K }, (_, k) => ({
        k,
        d: rms(table.centers, c, table.centers, k, nPoints),
      }))
        .filter((x) => x.k !== c)
        .sort((a, b) => a.d - b.d)
        .slice(0, 4);
      assert.deepEqual(
        Array.from(g.indices.subarray(g.offsets[c], g.offsets[c + 1])),
        d.map((x) => x.k),
      );
      expectClose(
        g.distances.subarray(g.offsets[c], g.offsets[c + 1]),
        d.map((x) => x.d),
        1e-5,
      );
    }
  });

  it('every other class within a radius, as brute force', () => {
    const g = classNeighbors(table, { radius: 0.06 });
    const want = bruteSets(table, table.centers, 0.06).map((s, c) => s.filter((k) => k !== c));
    assert.deepEqual(setsOf(g), want);
    assert.ok(g.indices.length > 0);
    assert.throws(() => classNeighbors(table, { k: 120 }), /argument 'k' expected an integer in 1..119/);
    assert.throws(() => classNeighbors(table, {} as never), /exactly one of/);
  });
});
