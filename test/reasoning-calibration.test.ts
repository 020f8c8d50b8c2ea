import * as assert from 'node:assert/strict';
import { ShapeError, ValueError } from '../src/errors';
import {
  type CalibrationItem,
  type ReasoningTable,
  calibrationFitTemperature,
  calibrationNll,
  calibrationReport,
  mixtureLogDensity,
  posteriorTemper,
  posteriorTop,
  riskCoverage,
} from '../src/reasoning';
import type { Box } from '../src/types';
import { Rng } from '../src/util/rng';

function throwsNamed(f: () => unknown, cls: new (...a: never[]) => Error, re: RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof cls && re.test(e.message));
}

function close(a: number, b: number, tol: number): void {
  assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b} (tolerance ${tol})`);
}

const N = 3;
function table(K: number, rng: Rng): ReasoningTable {
  return {
    K,
    nPoints: N,
    centers: Float32Array.from({ length: K * 2 * N }, () => rng.uniform(0.2, 0.8)),
    sigma: new Float32Array(K).fill(0.06),
    pose: Float32Array.from({ length: 3 * K }, (_, i) => (i % 3 === 0 ? rng.uniform(-60, 60) : 0)),
    visibility: new Float32Array(K * N).fill(1),
  };
}

const BOX: Box = { x: 10, y: 20, width: 100, height: 80 };

/**
 * Faces whose true class is drawn from p^(1/T0) (renormalised) while the model reports p: the model is
 * over-confident for T0 > 1. The true shape is the class centre plus the class's Gaussian noise (per coordinate
 * sigma/√2, as the mixture reads sigma), its yaw the class's yaw.
 */
function faces(t: ReasoningTable, n: number, T0: number, rng: Rng): CalibrationItem[] {
  const items: CalibrationItem[] = [];
  const K = t.K;
  for (let f = 0; f < n; f++) {
    const logits = Float64Array.from({ length: K }, () => 2.5 * rng.normal());
    const soft = (a: number): Float64Array => {
      const m = Math.max(...logits);
      const e = logits.map((l) => Math.exp(a * (l - m)));
      const s = e.reduce((x, y) => x + y, 0);
      return e.map((v) => v / s);
    };
    const p = soft(1);
    const q = soft(1 / T0);
    let u = rng.next();
    let k = 0;
    while (k < K - 1 && (u -= q[k]) > 0) k++;
    const shape = new Float32Array(2 * N);
    const sd = t.sigma[k] / Math.SQRT2;
    for (let j = 0; j < N; j++) {
      shape[2 * j] = BOX.x + (t.centers[k * 2 * N + 2 * j] + sd * rng.normal()) * BOX.width;
      shape[2 * j + 1] = BOX.y + (t.centers[k * 2 * N + 2 * j + 1] + sd * rng.normal()) * BOX.height;
    }
    items.push({ posterior: p, box: BOX, shape, yaw: t.pose[3 * k] });
  }
  return items;
}

describe('reasoning: calibration', () => {
  const rng = new Rng(21);
  const tab = table(30, rng);

  it('NLL is the mixture density of the true shape in box coordinates', () => {
    const items = faces(tab, 5, 1, rng);
    const nll = calibrationNll(items, tab);
    const unit = { x: 0, y: 0, width: 1, height: 1 };
    items.forEach((it, i) => {
      const y = Float64Array.from(it.shape, (v, d) =>
        d % 2 ? (v - BOX.y) / BOX.height : (v - BOX.x) / BOX.width,
      );
      close(nll[i], -mixtureLogDensity(it.posterior, tab, unit, y), 1e-9);
      // In pixels the density differs by the Jacobian of the box map only.
      const px = -mixtureLogDensity(it.posterior, tab, BOX, it.shape);
      close(px - nll[i], N * Math.log(BOX.width * BOX.height), 1e-6);
    });
  });

  it('tempering: T = 1 is the identity, order is kept, sparse keeps its form and ε grows with T', () => {
    const p = Float64Array.from([0.5, 0.3, 0.15, 0.05]);
    const same = posteriorTemper(p, 1) as Float64Array;
    same.forEach((v, i) => close(v, p[i], 1e-15));
    const hot = posteriorTemper(p, 4) as Float64Array;
    assert.ok(hot[0] > hot[1] && hot[1] > hot[2] && hot[0] < 0.5);
    close(
      hot.reduce((a, b) => a + b, 0),
      1,
      1e-12,
    );
    const sp = posteriorTop(p, { mass: 0.8 });
    const st = posteriorTemper(sp, 3);
    assert.ok(!(st instanceof Float64Array) && st.kind === 'sparse-posterior');
    if (!(st instanceof Float64Array) && !(st instanceof Float32Array)) {
      assert.ok(st.epsilon > sp.epsilon);
      close(st.probs.reduce((a, b) => a + b, 0) + st.epsilon, 1, 1e-12);
    }
  });

  for (const T0 of [2, 0.5]) {
    it(`the temperature fit recovers a known temperature (T0 = ${T0}) and lowers the NLL`, () => {
      const r = new Rng(T0 * 100);
      const items = faces(tab, 1500, T0, r);
      const fit = calibrationFitTemperature(items, tab);
      assert.ok(Math.abs(fit.temperature / T0 - 1) < 0.15, `fitted ${fit.temperature}, true ${T0}`);
      assert.ok(fit.nllAfter < fit.nllBefore);
      assert.equal(fit.atBound, false);
    });
  }

  it('report: over-confident posteriors are called so, and the fitted temperature calibrates them', () => {
    const r = new Rng(5);
    const val = faces(tab, 800, 2.5, r);
    const test = faces(tab, 800, 2.5, r);
    const before = calibrationReport(test, tab);
    assert.equal(before.verdict, 'over-confident');
    assert.ok(before.coverageGap < -0.05);
    assert.equal(before.yawCoverage.length, 3);
    const fit = calibrationFitTemperature(val, tab);
    const after = calibrationReport(test, tab, { temperature: fit.temperature });
    assert.ok(Math.abs(after.coverageGap) < Math.abs(before.coverageGap));
    assert.ok(after.nll < before.nll);
    // A calibrated model (T0 = 1): yaw coverage near nominal at every level.
    const cal = calibrationReport(faces(tab, 1500, 1, r), tab);
    for (const row of cal.yawCoverage) close(row.coverage, row.level, 0.08);
  });

  it('coverage on hand-made cases: a one-class posterior covers its own yaw with probability level and its centre always', () => {
    const p = new Float64Array(tab.K);
    p[3] = 1;
    const shape = new Float32Array(2 * N);
    for (let d = 0; d < 2 * N; d++) {
      shape[d] =
        d % 2
          ? BOX.y + tab.centers[3 * 2 * N + d] * BOX.height
          : BOX.x + tab.centers[3 * 2 * N + d] * BOX.width;
    }
    const hit = calibrationReport([{ posterior: p, box: BOX, shape, yaw: tab.pose[9] }], tab);
    // The truth sits on the only class: its PIT is uniform on [0, 1], so each level covers with probability level.
    hit.yawCoverage.forEach((r) => close(r.coverage, r.level, 1e-12));
    assert.deepEqual(
      hit.ellipseCoverage.map((r) => r.coverage),
      [1, 1, 1],
    );
    const far = Float32Array.from(shape, (v) => v + 50);
    const miss = calibrationReport([{ posterior: p, box: BOX, shape: far, yaw: tab.pose[9] + 30 }], tab);
    assert.deepEqual(
      miss.yawCoverage.map((r) => r.coverage),
      [0, 0, 0],
    );
    assert.deepEqual(
      miss.ellipseCoverage.map((r) => r.coverage),
      [0, 0, 0],
    );
  });

  it('risk–coverage: rejecting by a perfect score matches the oracle; a random score does not', () => {
    const r = new Rng(8);
    const errors = Array.from({ length: 400 }, () => Math.abs(r.normal(0.05, 0.04)));
    const perfect = riskCoverage(errors, errors, { threshold: 0.08, steps: 10 });
    perfect.points.forEach((p) => close(p.failureRate, p.oracleFailureRate, 1e-12));
    assert.equal(perfect.points[0].coverage, 1);
    close(perfect.failureRate, errors.filter((e) => e > 0.08).length / 400, 1e-12);
    // Rejecting the 20 % least confident faces by the true error removes failures first.
    assert.ok(perfect.points[2].failureRate < perfect.failureRate);
    const random = riskCoverage(
      errors.map(() => r.next()),
      errors,
    );
    assert.ok(random.area > perfect.area);
    close(random.oracleArea, perfect.oracleArea, 1e-12);
  });

  it('rejects bad input with named errors', () => {
    const items = faces(tab, 3, 1, rng);
    throwsNamed(
      () => calibrationNll([], tab),
      ShapeError,
      /calibrationNll: argument 'items' expected a non-empty array/,
    );
    throwsNamed(
      () => calibrationNll([{ ...items[0], posterior: new Float64Array(7).fill(1 / 7) }], tab),
      ShapeError,
      /calibrationNll|mixtureLogDensity/,
    );
    throwsNamed(
      () => calibrationNll([{ ...items[0], shape: new Float32Array(2) }], tab),
      ShapeError,
      /argument 'shape' expected 6 values/,
    );
    throwsNamed(
      () => posteriorTemper(items[0].posterior, 0),
      ValueError,
      /posteriorTemper: argument 'T' expected a number > 0, got 0/,
    );
    throwsNamed(
      () => calibrationFitTemperature(items, tab, { range: [2, 1] }),
      ValueError,
      /expected lo < hi, got \[2, 1\]/,
    );
    throwsNamed(
      () => calibrationReport(items, tab, { levels: [0.5, 1] }),
      ValueError,
      /levels\[1\]' expected a level in \(0, 1\), got 1/,
    );
    throwsNamed(
      () => calibrationReport([{ ...items[0], yaw: NaN }], tab),
      ValueError,
      /items\[0\]\.yaw' expected a finite yaw/,
    );
    throwsNamed(
      () => riskCoverage([], []),
      ShapeError,
      /riskCoverage: argument 'uncertainty' expected at least one face/,
    );
    throwsNamed(
      () => riskCoverage([1, 2], [0.1]),
      ShapeError,
      /argument 'errors' expected length 2, got length 1/,
    );
    throwsNamed(
      () => riskCoverage([1, NaN], [0.1, 0.2]),
      ValueError,
      /'uncertainty' expected finite numbers, got NaN at index 1/,
    );
  });
});
