import * as assert from 'node:assert/strict';
import { ShapeError, ValueError } from '../src/errors';
import { shapeBox } from '../src/landmarks/box';
import { ibug68 } from '../src/landmarks/scheme';
import {
  attributeMarginal,
  landmarkEllipses,
  landmarkLogDensity,
  landmarkName,
  landmarkResolve,
  landmarkVisibility,
  mixtureLogDensity,
  nextClick,
  oracleBestClick,
  posteriorCompact,
  posteriorCondition,
  posteriorHeatmap,
  posteriorScores,
  posteriorShape,
  posteriorTop,
  posteriorValidate,
  type PosteriorLike,
  type ReasoningTable,
  type SparsePosterior,
} from '../src/reasoning';
import { Rng } from '../src/util/rng';
import { Warnings } from '../src/util/warnings';
import { expectClose } from './helpers';

const N = ibug68.nPoints;
const D = 2 * N;
const BOX = { x: 40, y: 30, width: 100, height: 120 };

/** A random table: K perturbations of a base shape (box coordinates), random sigma, pose and visibility. */
function randomTable(
  K: number,
  seed: number,
  opts: { equalSigma?: number; spread?: number } = {},
): ReasoningTable {
  const rng = new Rng(seed);
  const base = new Float32Array(D);
  for (let d = 0; d < D; d++) base[d] = rng.uniform(0.1, 0.9);
  const centers = new Float32Array(K * D);
  const spread = opts.spread ?? 0.05;
  for (let k = 0; k < K; k++) {
    const dx = rng.normal(0, spread);
    const dy = rng.normal(0, spread);
    for (let d = 0; d < D; d += 2) {
      centers[k * D + d] = base[d] + dx + rng.normal(0, spread / 2);
      centers[k * D + d + 1] = base[d + 1] + dy + rng.normal(0, spread / 2);
    }
  }
  const sigma = Float32Array.from({ length: K }, () => opts.equalSigma ?? rng.uniform(0.005, 0.03));
  const pose = new Float32Array(3 * K);
  for (let i = 0; i < 3 * K; i++) pose[i] = rng.uniform(-60, 60);
  const visibility = Float32Array.from({ length: K * N }, () => rng.next());
  return { K, nPoints: N, centers, sigma, pose, visibility, scheme: 'ibug68' };
}

function randomPosterior(K: number, seed: number, peaked = 1): Float64Array {
  const rng = new Rng(seed);
  const p = Float64Array.from({ length: K }, () => Math.exp(peaked * rng.normal(0, 2)));
  const s = p.reduce((a, b) => a + b, 0);
  return p.map((v) => v / s);
}

function dense(p: SparsePosterior): Float64Array {
  const out = new Float64Array(p.K);
  p.indices.forEach((k, i) => (out[k] = p.probs[i]));
  return out;
}

const sum = (a: ArrayLike<number>): number => Array.from(a).reduce((x, y) => x + y, 0);
const l1 = (a: ArrayLike<number>, b: ArrayLike<number>): number =>
  Array.from(a).reduce((s, v, i) => s + Math.abs(v - b[i]), 0);

describe('reasoning', () => {
  const K = 60;
  const table = randomTable(K, 1);
  const p = randomPosterior(K, 2);

  describe('posteriorTop / posteriorCompact', () => {
    it('keeps the fewest most probable classes holding the mass, and reports epsilon exactly', () => {
      const sp = posteriorTop(p, { mass: 0.9 });
      const sorted = Array.from(p).sort((a, b) => b - a);
      let n = 0;
      let acc = 0;
      while (acc < 0.9) acc += sorted[n++];
      assert.equal(sp.indices.length, n);
      for (let i = 1; i < n; i++) assert.ok(sp.probs[i - 1] >= sp.probs[i], 'most probable first');
      assert.ok(Math.abs(sp.epsilon - (1 - acc)) < 1e-12);
      assert.ok(Math.abs(sum(sp.probs) + sp.epsilon - 1) < 1e-12);
      posteriorValidate('t', sp, K);
      const capped = posteriorTop(p, { mass: 0.9, maxClasses: 2 });
      assert.equal(capped.indices.length, 2);
      assert.ok(capped.epsilon > 0.1 - 1e-12);
    });

    it('the sparse posterior differs from the dense one by at most its epsilon (every marginal)', () => {
      for (const mass of [0.5, 0.9, 0.99]) {
        const sp = posteriorTop(p, { mass });
        const e = sp.epsilon;
        const tv = (a: ArrayLike<number>, b: ArrayLike<number>): number => l1(a, b) / 2;
        const hd = posteriorHeatmap(p, table, BOX, { landmark: 'noseTip', cols: 24 });
        const hs = posteriorHeatmap(sp, table, BOX, { landmark: 'noseTip', cols: 24 });
        // both normalised over the region: within 2ε / (1 − ε) in total variation, and within ε when nothing is outside
        assert.ok(
          tv(hd.values, hs.values) <= e / (1 - e) + 1e-9,
          `heatmap tv ${tv(hd.values, hs.values)} vs ε ${e}`,
        );
        const yd = attributeMarginal(p, table);
        const ys = attributeMarginal(sp, table);
        assert.ok(tv(yd.mass, ys.mass) <= e + 1e-12, `yaw tv ${tv(yd.mass, ys.mass)} vs ε ${e}`);
        const vd = landmarkVisibility(p, table);
        const vs = landmarkVisibility(sp, table);
        for (let j = 0; j < N; j++) assert.ok(Math.abs(vd[j] - vs[j]) <= e + 1e-12);
      }
    });

    it('posteriorCompact: a small table of the kept classes gives the same results', () => {
      const sp = posteriorTop(p, { mass: 0.95 });
      const c = posteriorCompact(sp, table);
      assert.equal(c.table.K, sp.indices.length);
      assert.ok(Math.abs(sum(c.posterior) - 1) < 1e-12);
      assert.equal(c.epsilon, sp.epsilon);
      expectClose(
        landmarkEllipses(c.posterior, c.table, BOX).mean,
        landmarkEllipses(sp, table, BOX).mean,
        1e-9,
      );
      expectClose(
        posteriorHeatmap(c.posterior, c.table, BOX, { group: 'leftEye' }).values,
        posteriorHeatmap(sp, table, BOX, { group: 'leftEye' }).values,
        1e-12,
      );
    });
  });

  describe('marginals', () => {
    it('heatmaps are non-negative and integrate to 1, for landmarks and groups, any region and resolution', () => {
      const cases = [
        { landmark: 'noseTip' as const },
        { landmark: 'jaw.8', cols: 7, rows: 3 },
        { group: 'leftEye' },
        {
          group: 'outerLips',
          groupMode: 'centroid' as const,
          region: { x: 60, y: 80, width: 30, height: 20 },
        },
      ];
      for (const opts of cases) {
        const h = posteriorHeatmap(p, table, BOX, opts);
        assert.equal(h.values.length, h.rows * h.cols);
        assert.ok(h.values.every((v) => v >= 0));
        assert.ok(Math.abs(sum(h.values) - 1) < 1e-9, JSON.stringify(opts));
        assert.ok(h.inside > 0 && h.inside <= 1);
      }
      // a region no probability reaches: uniform, inside 0, and a warning
      const warnings = new Warnings();
      const off = posteriorHeatmap(p, table, BOX, {
        landmark: 0,
        region: { x: 1e5, y: 1e5, width: 10, height: 10 },
        cols: 4,
        warnings,
      });
      assert.equal(off.inside, 0);
      assert.ok(off.values.every((v) => v === 1 / 16));
      assert.equal(warnings.count('heatmap-outside'), 1);
      // a region covering the whole image holds all the mass, and the heatmap's mean is the landmark's mean
      const big = posteriorHeatmap(p, table, BOX, {
        landmark: 'noseTip',
        region: { x: -200, y: -200, width: 600, height: 600 },
        cols: 600,
      });
      assert.ok(Math.abs(big.inside - 1) < 1e-6, `inside ${big.inside}`);
      let mx = 0;
      let my = 0;
      for (let r = 0; r < big.rows; r++)
        for (let c = 0; c < big.cols; c++) {
          mx += big.values[r * big.cols + c] * (big.region.x + (c + 0.5) * big.cellWidth);
          my += big.values[r * big.cols + c] * (big.region.y + (r + 0.5) * big.cellHeight);
        }
      const j = landmarkResolve('t', 'noseTip', ibug68);
      const m = landmarkEllipses(p, table, BOX).mean;
      assert.ok(Math.hypot(mx - m[2 * j], my - m[2 * j + 1]) < 0.05, `heatmap mean vs moment mean`);
    });

    it('ellipses: one class gives its centre in pixels and its spherical spread s = sigma / √2 per coordinate', () => {
      const one = new Float64Array(K);
      one[3] = 1;
      const m = landmarkEllipses(one, table, BOX, { level: 0.5 });
      const s = table.sigma[3] / Math.SQRT2;
      assert.ok(Math.abs(m.mean[0] - (BOX.x + table.centers[3 * D] * BOX.width)) < 1e-4);
      assert.ok(Math.abs(m.cov[0] - (s * BOX.width) ** 2) < 1e-6);
      assert.ok(Math.abs(m.cov[1]) < 1e-9);
      assert.ok(Math.abs(m.cov[2] - (s * BOX.height) ** 2) < 1e-6);
      const r = Math.sqrt(-2 * Math.log(0.5));
      assert.ok(Math.abs(m.ellipses[0].major - r * s * BOX.height) < 1e-6);
      assert.ok(Math.abs(m.ellipses[0].minor - r * s * BOX.width) < 1e-6);
      assert.ok(Math.abs(m.ellipses[0].angle - Math.PI / 2) < 1e-9);
      assert.ok(Math.abs(m.spread[0] - s * Math.hypot(BOX.width, BOX.height)) < 1e-6);
      const shape = posteriorShape(one, table, BOX);
      for (let d = 0; d < D; d++) assert.ok(Math.abs(shape[d] - m.mean[d]) < 1e-3);
    });

    it('ellipses: a tilted two-class mixture gets the covariance and axis of its centres', () => {
      const two = new Float64Array(K);
      two[0] = 0.5;
      two[1] = 0.5;
      const m = landmarkEllipses(two, table, BOX);
      const x0 = table.centers[0] * BOX.width;
      const x1 = table.centers[D] * BOX.width;
      const y0 = table.centers[1] * BOX.height;
      const y1 = table.centers[D + 1] * BOX.height;
      assert.ok(Math.abs(m.cov[1] - ((x1 - x0) * (y1 - y0)) / 4) < 1e-6);
      const e = m.ellipses[0];
      assert.ok(e.major >= e.minor);
    });

    it('mixture log density: one class is a Gaussian; a mixture is the log of the weighted sum', () => {
      const one = new Float64Array(K);
      one[5] = 1;
      const s = table.sigma[5] / Math.SQRT2;
      const sx = s * BOX.width;
      const sy = s * BOX.height;
      const cx = BOX.x + table.centers[5 * D] * BOX.width;
      const cy = BOX.y + table.centers[5 * D + 1] * BOX.height;
      const ll = landmarkLogDensity(one, table, BOX, 0, cx + sx, cy);
      assert.ok(Math.abs(ll - (-0.5 - Math.log(2 * Math.PI * sx * sy))) < 1e-9);
      const two = new Float64Array(K);
      two[5] = 0.3;
      two[6] = 0.7;
      const shape = posteriorShape(two, table, BOX);
      const lm = mixtureLogDensity(two, table, BOX, shape);
      const only5 = mixtureLogDensity(one, table, BOX, shape);
      const one6 = new Float64Array(K);
      one6[6] = 1;
      const only6 = mixtureLogDensity(one6, table, BOX, shape);
      const direct = Math.log(0.3 * Math.exp(only5 - lm) + 0.7 * Math.exp(only6 - lm)) + lm;
      assert.ok(Math.abs(lm - direct) < 1e-9);
      // far away: finite, not −Infinity
      const far = Float32Array.from(shape, (v) => v + 1e4);
      assert.ok(Number.isFinite(mixtureLogDensity(two, table, BOX, far)));
    });

    it('attribute marginals: sum to 1, mean, equal-tailed intervals from the exact values, modes', () => {
      const y = attributeMarginal(p, table, { attribute: 'roll', bins: 12 });
      assert.ok(y.mass.every((v) => v >= 0));
      assert.ok(Math.abs(sum(y.mass) - 1) < 1e-12);
      let mean = 0;
      for (let k = 0; k < K; k++) mean += p[k] * table.pose[3 * k + 2];
      assert.ok(Math.abs(y.mean - mean) < 1e-9);
      for (let i = 1; i < y.intervals.length; i++) {
        assert.ok(
          y.intervals[i].lo <= y.intervals[i - 1].lo && y.intervals[i].hi >= y.intervals[i - 1].hi,
          'nested',
        );
      }
      // a table of two profile groups: bimodal, the 50 % interval inside one group
      const t2 = randomTable(40, 3);
      const pose = t2.pose as Float32Array;
      for (let k = 0; k < 40; k++) pose[3 * k] = k < 20 ? -70 + (k % 5) : 70 - (k % 5);
      const u = new Float64Array(40).fill(1 / 40);
      const bi = attributeMarginal(u, t2, { attribute: 'yaw' });
      assert.equal(bi.multimodal, true);
      assert.equal(bi.modes.length, 2);
      assert.ok(Math.abs(bi.modes[0].mass - 0.5) < 0.05);
      const uni = new Float64Array(40);
      uni.fill(1 / 20, 0, 20);
      const m1 = attributeMarginal(uni, t2, { attribute: 'yaw' });
      assert.equal(m1.multimodal, false);
      assert.ok(m1.intervals[2].lo >= -70 && m1.intervals[2].hi <= -66);
    });

    it('visibility transfers the classes’ visibility; whole-face scores', () => {
      const v = landmarkVisibility(p, table);
      let v0 = 0;
      for (let k = 0; k < K; k++) v0 += p[k] * table.visibility[k * N];
      assert.ok(Math.abs(v[0] - v0) < 1e-9);
      assert.ok(v.every((x) => x >= 0 && x <= 1));
      const one = new Float64Array(K);
      one[0] = 1;
      const s1 = posteriorScores(one, table, BOX);
      assert.equal(s1.entropy, 0);
      assert.equal(s1.effectiveClasses, 1);
      const u = new Float64Array(K).fill(1 / K);
      const su = posteriorScores(u, table, BOX);
      assert.ok(Math.abs(su.entropy - Math.log(K)) < 1e-9);
      assert.ok(Math.abs(su.effectiveClasses - K) < 1e-6);
      assert.ok(su.spread > s1.spread, 'a flat posterior spreads more');
    });
  });

  describe('posteriorCondition', () => {
    const jn = landmarkResolve('t', 'noseTip', ibug68);
    const truthOf = (k: number): [number, number] => [
      BOX.x + table.centers[k * D + 2 * jn] * BOX.width,
      BOX.y + table.centers[k * D + 2 * jn + 1] * BOX.height,
    ];

    it('evidence every class satisfies changes nothing', () => {
      const c = posteriorCondition(
        p,
        table,
        BOX,
        { landmark: 'noseTip', x: 90, y: 90, radius: 1e6 },
        { mass: 1 },
      );
      assert.equal(c.consistent, true);
      expectClose(dense(c.posterior), p, 1e-12, 'posterior');
      const c2 = posteriorCondition(p, table, BOX, { box: BOX, radius: 1e6 }, { mass: 1 });
      expectClose(dense(c2.posterior), p, 1e-12, 'box evidence');
      assert.ok(Math.abs(c.logEvidence) < 1e-12, 'log P(certain evidence) = 0');
    });

    it('conditional posteriors are non-negative and sum to 1; two clicks in either order give the same result', () => {
      const a = { landmark: 'noseTip', x: 95, y: 100, sigma: 3 };
      const b = { group: 'leftEye', x: 110, y: 70, radius: 15 };
      const ab = posteriorCondition(p, table, BOX, [a, b], { mass: 1 });
      const ba = posteriorCondition(p, table, BOX, [b, a], { mass: 1 });
      expectClose(dense(ab.posterior), dense(ba.posterior), 1e-12);
      expectClose(ab.snapped, ba.snapped, 1e-3);
      assert.ok(ab.posterior.probs.every((v) => v >= 0));
      assert.ok(Math.abs(sum(ab.posterior.probs) + ab.posterior.epsilon - 1) < 1e-12);
      posteriorValidate('t', ab.posterior, K);
      // sequential conditioning equals joint
      const seq = posteriorCondition(
        posteriorCondition(p, table, BOX, a, { mass: 1 }).posterior,
        table,
        BOX,
        b,
        { mass: 1 },
      );
      expectClose(dense(seq.posterior), dense(ab.posterior), 1e-9);
    });

    it('conditioning on the true position never increases that landmark’s expected error', () => {
      const eq = randomTable(K, 7, { equalSigma: 0.02 });
      for (let seed = 0; seed < 20; seed++) {
        const pr = randomPosterior(K, 100 + seed);
        const k = seed % K;
        const tx = BOX.x + eq.centers[k * D + 2 * jn] * BOX.width + 1;
        const ty = BOX.y + eq.centers[k * D + 2 * jn + 1] * BOX.height - 1;
        const err = (q: Float64Array): number => {
          let e = 0;
          for (let c = 0; c < K; c++) {
            const x = BOX.x + eq.centers[c * D + 2 * jn] * BOX.width;
            const y = BOX.y + eq.centers[c * D + 2 * jn + 1] * BOX.height;
            e += q[c] * ((x - tx) ** 2 + (y - ty) ** 2);
          }
          return e;
        };
        const before = err(pr);
        for (const strength of [{ sigma: 2 }, { sigma: 20 }, { radius: 30 }]) {
          const c = posteriorCondition(
            pr,
            eq,
            BOX,
            { landmark: 'noseTip', x: tx, y: ty, ...strength },
            { mass: 1 },
          );
          const after = err(dense(c.posterior));
          assert.ok(after <= before + 1e-9, `seed ${seed} ${JSON.stringify(strength)}: ${after} > ${before}`);
        }
      }
    });

    it('hard evidence no class satisfies: consistent false, the nearest class, soft fallback, no NaN', () => {
      const [x, y] = truthOf(4);
      const c = posteriorCondition(p, table, BOX, { landmark: 'noseTip', x: x + 500, y, radius: 2 });
      assert.equal(c.consistent, false);
      assert.equal(c.fallback, true);
      let best = Infinity;
      let bestK = -1;
      for (let k = 0; k < K; k++) {
        const [cx, cy] = truthOf(k);
        const d = Math.hypot(cx - x - 500, cy - y);
        if (d < best) [best, bestK] = [d, k];
      }
      assert.ok(Math.abs(c.nearestDistance - best) < 1e-6);
      assert.equal(c.nearestClass, bestK);
      assert.ok(c.posterior.probs.every((v) => Number.isFinite(v)));
      assert.ok(c.snapped.every((v) => Number.isFinite(v)));
      assert.ok(Number.isFinite(c.logEvidence));
      // a click very far away with soft evidence: finite too (log space)
      const far = posteriorCondition(p, table, BOX, { landmark: 'noseTip', x: 1e7, y: -1e7, sigma: 0.5 });
      assert.ok(far.posterior.probs.every((v) => Number.isFinite(v)) && Number.isFinite(far.logEvidence));
    });

    it('hard evidence keeps exactly the classes within the radius; the snapped shape goes through the click', () => {
      const [x, y] = truthOf(10);
      const c = posteriorCondition(p, table, BOX, { landmark: 'noseTip', x, y, radius: 4 }, { mass: 1 });
      const kept = new Set(c.posterior.indices);
      for (let k = 0; k < K; k++) {
        const [cx, cy] = truthOf(k);
        assert.equal(kept.has(k), Math.hypot(cx - x, cy - y) <= 4 && p[k] > 0, `class ${k}`);
      }
      assert.equal(c.snapped[2 * jn], Math.fround(x));
      assert.equal(c.snapped[2 * jn + 1], Math.fround(y));
      assert.ok(c.clickErrors[0] <= 4 + 1e-6);
      // neighbours move with the click: classes that are translated copies of one shape move every point as one
      const tr = randomTable(30, 5, { equalSigma: 0.002 });
      const tc = tr.centers as Float32Array;
      for (let k = 1; k < 30; k++)
        for (let d = 0; d < D; d++) tc[k * D + d] = tc[d] + (d % 2 === 0 ? 0.004 * k : 0);
      const u30 = new Float64Array(30).fill(1 / 30);
      const m0 = posteriorShape(u30, tr, BOX);
      const soft = posteriorCondition(u30, tr, BOX, {
        landmark: 'noseTip',
        x: m0[2 * jn] + 5,
        y: m0[2 * jn + 1],
        sigma: 3,
      });
      const nb = landmarkResolve('t', 'noseBridge.2', ibug68);
      const shift = soft.snapped[2 * jn] - soft.shape[2 * jn];
      assert.ok(
        Math.abs(soft.snapped[2 * nb] - soft.shape[2 * nb] - shift) < 0.05 * Math.abs(shift) + 1e-3,
        'a neighbour moves with it',
      );
      assert.ok(Math.abs(soft.snapped[2 * nb + 1] - soft.shape[2 * nb + 1]) < 1e-3, 'and not across');
      // a group click: the snapped group's centroid is on the click
      const g = posteriorCondition(p, table, BOX, { group: 'leftEye', x: 120, y: 60, sigma: 2 });
      let gx = 0;
      let gy = 0;
      for (const j of ibug68.groups.leftEye) {
        gx += g.snapped[2 * j] / 6;
        gy += g.snapped[2 * j + 1] / 6;
      }
      assert.ok(Math.hypot(gx - 120, gy - 60) < 1e-3, `centroid ${gx}, ${gy}`);
      assert.deepEqual(g.labels, ['group leftEye']);
    });

    it('box evidence prefers classes whose landmarks fill the box', () => {
      const one = posteriorShape(
        Float64Array.from({ length: K }, (_, k) => (k === 9 ? 1 : 0)),
        table,
        BOX,
      );
      const b = shapeBox(one);
      const c = posteriorCondition(p, table, BOX, {
        box: b,
        sigma: 0.5,
      });
      assert.equal(c.posterior.indices[0], 9);
      assert.ok(c.clickErrors[0] < 2);
    });
  });

  describe('nextClick / oracleBestClick', () => {
    // classes differ only in the chin (jaw.8): clicking it resolves the face, any other point tells nothing
    const chin = landmarkResolve('t', 'jaw.8', ibug68);
    const t = randomTable(20, 11, { equalSigma: 0.005, spread: 0 });
    const c = t.centers as Float32Array;
    for (let k = 0; k < 20; k++) c[k * D + 2 * chin + 1] += 0.01 * k;
    const u = new Float64Array(20).fill(1 / 20);

    it('ranks the discriminating landmark first, deterministically for a seed', () => {
      const r = nextClick(u, t, BOX, { samples: 8, seed: 3 });
      assert.equal(r.ranking[0].landmark, chin);
      assert.equal(r.ranking[0].name, 'jaw.8');
      assert.ok(r.ranking[0].error < r.currentError);
      for (let i = 1; i < r.ranking.length; i++) assert.ok(r.ranking[i - 1].error <= r.ranking[i].error);
      assert.deepEqual(nextClick(u, t, BOX, { samples: 8, seed: 3 }), r);
      const capped = nextClick(u, t, BOX, { maxClasses: 5, samples: 2 });
      assert.equal(capped.classesUsed, 5);
      assert.ok(Math.abs(capped.massUsed - 0.25) < 1e-12);
      assert.equal(r.classesUsed, 20);
      const few = nextClick(u, t, BOX, { candidates: ['noseTip', 'jaw.8'], seed: 1 });
      assert.deepEqual(
        few.ranking.map((x) => x.name),
        ['jaw.8', 'noseTip'],
      );
    });

    it('picks the landmark whose click resolves a bimodal ambiguity over one whose click does not', () => {
      // two modes (mouth closed / open: every mouth point 0.08 box lower in the second); inside each mode the chin
      // varies per class more than any mouth point, so a spread-only view of one point would favour the chin, but
      // clicking the chin leaves the mouth's two modes, and clicking a mouth point resolves them (and the snap then
      // moves the whole mouth)
      const K = 40;
      const b = randomTable(K, 5, { equalSigma: 0.004, spread: 0 });
      const cb = b.centers as Float32Array;
      const rng = new Rng(2);
      for (let k = 0; k < K; k++) {
        if (k % 2 === 1) for (let j = 48; j < 68; j++) cb[k * D + 2 * j + 1] += 0.08;
        cb[k * D + 2 * chin + 1] += rng.normal(0, 0.03);
      }
      const even = new Float64Array(K).fill(1 / K);
      for (const seed of [0, 1, 2, 3]) {
        const r = nextClick(even, b, BOX, { seed, candidates: ['jaw.8', 'outerLips.3', 'noseTip'] });
        assert.equal(r.ranking[0].name, 'outerLips.3', `seed ${seed}: ${JSON.stringify(r.ranking)}`);
        assert.equal(r.ranking[2].name, 'noseTip');
      }
    });

    it('scores every candidate on the same simulated clicks: landmarks that carry the same information tie', () => {
      // outerLips.3 is a rigid copy of jaw.8 in every class (the same per-class offsets, shifted by a constant), so a
      // click on either tells exactly the same; only common random numbers give them the same score (independent
      // draws rank whichever drew the luckier clicks first)
      const lip = landmarkResolve('t', 'outerLips.3', ibug68);
      const b = randomTable(30, 9, { equalSigma: 0.004, spread: 0 });
      const cb = b.centers as Float32Array;
      const rng = new Rng(4);
      for (let k = 0; k < 30; k++) {
        const dy = Math.round(rng.normal(0, 0.03) * 1024) / 1024; // exact in float32 on both points
        cb[k * D + 2 * chin] = 0.5;
        cb[k * D + 2 * chin + 1] = 0.75 + dy;
        cb[k * D + 2 * lip] = 0.5;
        cb[k * D + 2 * lip + 1] = 0.625 + dy;
      }
      const even = new Float64Array(30).fill(1 / 30);
      for (const seed of [0, 1, 2]) {
        const r = nextClick(even, b, BOX, { seed, samples: 4, candidates: ['jaw.8', 'outerLips.3'] });
        const [x, y] = r.ranking;
        assert.ok(
          Math.abs(x.error - y.error) <= 1e-9 * x.error,
          `seed ${seed}: ${JSON.stringify(r.ranking)}`,
        );
      }
    });

    it('the oracle clicks the truth and finds the landmark that fixes the shape', () => {
      const truth = posteriorShape(
        Float64Array.from({ length: 20 }, (_, k) => (k === 13 ? 1 : 0)),
        t,
        BOX,
      );
      const o = oracleBestClick(u, t, BOX, truth);
      assert.equal(o.ranking[0].landmark, chin);
      assert.ok(o.ranking[0].error < o.noClickError / 4, `${o.ranking[0].error} vs ${o.noClickError}`);
      // on a random table the best click never does worse than some click
      const r = oracleBestClick(p, table, BOX, posteriorShape(p, table, BOX), {
        candidates: [0, 'noseTip', 'leftEye.1'],
      });
      assert.equal(r.ranking.length, 3);
    });
  });

  describe('landmark names', () => {
    it('resolves scheme names and names points back', () => {
      assert.equal(landmarkName(ibug68, landmarkResolve('t', 'noseTip', ibug68)), 'noseTip');
      assert.equal(landmarkResolve('t', 'jaw.0', ibug68), 0);
      assert.equal(landmarkName(ibug68, landmarkResolve('t', 'leftEye.3', ibug68)), 'leftEye.3');
      assert.throws(
        () => landmarkResolve('f', 'chin', ibug68),
        /f: argument 'landmark' expected a landmark of scheme ibug68.*got "chin"/,
      );
      assert.throws(() => landmarkResolve('f', 'jaw.17', ibug68), ValueError);
      assert.throws(() => landmarkResolve('f', 68, ibug68), /got 68/);
    });
  });

  describe('bad input', () => {
    const good: PosteriorLike = p;
    it('posteriors: length, negative, NaN, sum, sparse K', () => {
      assert.throws(
        () => landmarkEllipses(new Float32Array(K - 1), table, BOX),
        (e: Error) => e instanceof ShapeError && /expected length K = 60.*got length 59/.test(e.message),
      );
      const neg = Float64Array.from(p);
      neg[3] = -0.1;
      assert.throws(
        () => posteriorHeatmap(neg, table, BOX, { landmark: 0 }),
        /posteriorHeatmap: argument 'posterior' expected finite non-negative probabilities, got -0.1 at class 3/,
      );
      const nan = Float64Array.from(p);
      nan[0] = NaN;
      assert.throws(() => attributeMarginal(nan, table), /non-negative probabilities, got NaN/);
      assert.throws(
        () =>
          posteriorScores(
            p.map((v) => v * 2),
            table,
            BOX,
          ),
        /summing to 1 \(within 0.001\), got a sum of 1\.99/,
      );
      const sp = posteriorTop(p);
      assert.throws(
        () => landmarkVisibility({ ...sp, K: 7 }, table),
        /sparse posterior over K = 60 classes, got K = 7/,
      );
      assert.throws(() => landmarkVisibility({ ...sp, epsilon: 0.5 }, table), /summing to 1/);
      assert.throws(() => posteriorTop(new Float32Array(0)), ShapeError);
      assert.throws(() => posteriorTop(p, { mass: 1.5 }), /argument 'mass'/);
      assert.throws(
        () => landmarkVisibility(good, { ...table, sigma: new Float32Array(3) }),
        /table' expected sigma as a Float32Array of length 60, got Float32Array of length 3/,
      );
    });
    it('evidence: non-finite or outside clicks, unknown names, sigma ≤ 0, radius and sigma together, empty', () => {
      const c = (e: unknown, opts = {}): unknown => posteriorCondition(p, table, BOX, e as never, opts);
      assert.throws(
        () => c({ landmark: 'noseTip', x: NaN, y: 3 }),
        /posteriorCondition: argument 'evidence\[0\]' expected finite pixel coordinates x, y, got \(NaN, 3\)/,
      );
      assert.throws(
        () => c({ landmark: 'noseTip', x: 500, y: 3 }, { imageSize: { width: 200, height: 200 } }),
        /expected a click inside the 200×200 image, got \(500, 3\)/,
      );
      assert.throws(
        () => c({ landmark: 'nose', x: 1, y: 1 }),
        /evidence\[0\]\.landmark' expected a landmark of scheme ibug68/,
      );
      assert.throws(
        () => c({ group: 'ears', x: 1, y: 1 }),
        /evidence\[0\]\.group' expected a group of scheme ibug68 \(jaw, .*\), got "ears"/,
      );
      assert.throws(
        () => c({ landmark: 0, x: 1, y: 1, sigma: 0 }),
        /evidence\[0\]\.sigma' expected a finite number > 0, got 0/,
      );
      assert.throws(
        () => c({ landmark: 0, x: 1, y: 1, sigma: -2 }),
        /sigma' expected a finite number > 0, got -2/,
      );
      assert.throws(() => c({ landmark: 0, x: 1, y: 1, radius: 0 }), /radius' expected a finite number > 0/);
      assert.throws(
        () => c({ landmark: 0, x: 1, y: 1, radius: 1, sigma: 1 }),
        /expected one of 'radius' or 'sigma', got both/,
      );
      assert.throws(
        () => c([]),
        (e: Error) => e instanceof ShapeError && /expected at least one item/.test(e.message),
      );
      assert.throws(
        () => c({ landmark: 0, group: 'jaw', x: 1, y: 1 }),
        /exactly one of 'landmark', 'group' or 'box', got landmark and group/,
      );
      assert.throws(
        () => c({ box: { x: 0, y: 0, width: -1, height: 2 } }),
        /evidence\[0\]\.box' expected a positive size/,
      );
      assert.throws(
        () => posteriorCondition(p, table, { x: 0, y: 0, width: 0, height: 1 }, { landmark: 0, x: 1, y: 1 }),
        /argument 'box' expected a positive size/,
      );
    });
    it('other options', () => {
      assert.throws(
        () => posteriorHeatmap(p, table, BOX, {}),
        /exactly one of 'landmark' or 'group', got neither/,
      );
      assert.throws(() => posteriorHeatmap(p, table, BOX, { landmark: 0, cols: 0 }), /argument 'cols'/);
      assert.throws(
        () => attributeMarginal(p, table, { attribute: 'tilt' as never }),
        /argument 'attribute' expected one of "yaw", "pitch", "roll"/,
      );
      assert.throws(
        () => landmarkEllipses(p, table, BOX, { level: 1 }),
        /argument 'level' expected a number < 1/,
      );
      assert.throws(
        () => nextClick(p, table, BOX, { sigma: 0 }),
        /nextClick: argument 'sigma' expected a number > 0, got 0/,
      );
      assert.throws(
        () => nextClick(p, table, BOX, { candidates: [] }),
        /candidates' expected a non-empty array/,
      );
      assert.throws(
        () => oracleBestClick(p, table, BOX, new Float32Array(3)),
        /oracleBestClick: argument 'truth' expected 136 values/,
      );
      assert.throws(
        () => mixtureLogDensity(p, table, BOX, new Float32Array(D).fill(NaN)),
        /argument 'shape' expected finite coordinates/,
      );
    });
  });
});
