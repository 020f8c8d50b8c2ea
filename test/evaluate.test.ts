/** evaluate: per-point and normalised errors, CED, AUC, failure rate, summary (hand-computed cases). */
import * as assert from 'node:assert/strict';
import {
  auc,
  ced,
  evaluationSummary,
  failureRate,
  normalizedError,
  normalizedErrors,
  pointErrors,
} from '../src/evaluate';
import { ShapeError, ValueError } from '../src/errors';
import { ibug68, projectWeakPerspective, template3d } from '../src/landmarks';
import { Rng } from '../src/util/rng';
import { expectClose } from './helpers';

const face = projectWeakPerspective(template3d(), { yaw: 10, pitch: 5, roll: 3 }, 1.5, 120, 130);

function shifted(s: Float32Array, dx: number, dy: number): Float32Array {
  return Float32Array.from(s, (v, i) => v + (i % 2 ? dy : dx));
}

describe('evaluate: errors', () => {
  it('pointErrors are per-point Euclidean distances', () => {
    const gt = Float32Array.of(0, 0, 1, 1, 2, 0);
    const pred = Float32Array.of(3, 4, 1, 1, 2, -2);
    assert.deepEqual(pointErrors(pred, gt, 3), Float32Array.of(5, 0, 2));
    assert.throws(() => pointErrors(pred.subarray(0, 4), gt), ShapeError);
    assert.throws(() => pointErrors(Float32Array.of(NaN, 0, 1, 1, 2, 0), gt), ValueError);
  });

  it('a shift by d gives d / diagonal (bbox), d / outer-eye-corner distance (inter-ocular), d / pupil distance', () => {
    const d = 2.5;
    const pred = shifted(face, d * 0.6, d * 0.8);
    let x0 = Infinity;
    let x1 = -Infinity;
    let y0 = Infinity;
    let y1 = -Infinity;
    for (let i = 0; i < 68; i++) {
      x0 = Math.min(x0, face[2 * i]);
      x1 = Math.max(x1, face[2 * i]);
      y0 = Math.min(y0, face[2 * i + 1]);
      y1 = Math.max(y1, face[2 * i + 1]);
    }
    expectClose([normalizedError(pred, face)], [d / Math.hypot(x1 - x0, y1 - y0)], 1e-6, 'bbox');
    const [a] = ibug68.eyeCorners!.right;
    const [b] = ibug68.eyeCorners!.left;
    const iod = Math.hypot(face[2 * a] - face[2 * b], face[2 * a + 1] - face[2 * b + 1]);
    expectClose([normalizedError(pred, face, { normalization: 'inter-ocular' })], [d / iod], 1e-6, 'iod');
    const mean = (idx: readonly number[], c: number) =>
      idx.reduce((s, i) => s + face[2 * i + c], 0) / idx.length;
    const ipd = Math.hypot(
      mean(ibug68.pupils!.right, 0) - mean(ibug68.pupils!.left, 0),
      mean(ibug68.pupils!.right, 1) - mean(ibug68.pupils!.left, 1),
    );
    expectClose([normalizedError(pred, face, { normalization: 'inter-pupil' })], [d / ipd], 1e-6, 'ipd');
  });

  it('the batch version equals the single one face by face', () => {
    const rng = new Rng(2);
    const B = 5;
    const gts = new Float32Array(B * 136);
    const preds = new Float32Array(B * 136);
    for (let m = 0; m < B; m++) {
      const g = projectWeakPerspective(
        template3d(),
        { yaw: rng.uniform(-40, 40), pitch: 0, roll: 0 },
        1 + m,
        50,
        50,
      );
      gts.set(g, m * 136);
      preds.set(
        Float32Array.from(g, (v) => v + rng.normal(0, 1)),
        m * 136,
      );
    }
    for (const normalization of ['bbox-diagonal', 'inter-ocular', 'inter-pupil'] as const) {
      const batch = normalizedErrors(preds, gts, 68, { normalization });
      for (let m = 0; m < B; m++) {
        const one = normalizedError(
          preds.subarray(m * 136, (m + 1) * 136),
          gts.subarray(m * 136, (m + 1) * 136),
          { normalization },
        );
        assert.equal(batch[m], one);
      }
    }
    assert.throws(
      () => normalizedErrors(preds, gts.subarray(0, 136), 68),
      /argument 'pred' expected 1 shapes like 'gt', got 5/,
    );
  });

  it('refuses degenerate ground truth and unknown normalisations', () => {
    const flat = new Float32Array(136).fill(3);
    assert.throws(() => normalizedError(flat, flat), /degenerate: its normalising distance is 0/);
    assert.throws(
      () => normalizedError(face, face, { normalization: 'foo' as never }),
      /argument 'normalization' expected one of/,
    );
    assert.throws(
      () =>
        normalizedError(Float32Array.of(0, 0, 1, 1), Float32Array.of(0, 0, 1, 1), {
          normalization: 'inter-ocular',
        }),
      /needs a scheme with eye corners/,
    );
  });
});

describe('evaluate: CED, AUC, failure rate', () => {
  it('CED is the fraction ≤ each threshold and monotone', () => {
    const c = ced([0, 0.01, 0.02, 0.05, 0.5], { maxError: 0.08, steps: 8 });
    expectClose(c.thresholds, [0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08], 1e-12);
    expectClose(c.fraction, [0.2, 0.4, 0.6, 0.6, 0.6, 0.8, 0.8, 0.8, 0.8], 1e-12);
    const rng = new Rng(1);
    const r = ced(Array.from({ length: 300 }, () => Math.abs(rng.normal(0, 0.04))));
    for (let i = 1; i < r.fraction.length; i++) assert.ok(r.fraction[i] >= r.fraction[i - 1]);
  });

  it('AUC is 1 for perfect errors, 0 when all fail, and 1 − e/T for one error e', () => {
    for (const method of ['simpson', 'exact'] as const) {
      assert.equal(auc([0, 0, 0], 0.08, { method }), 1);
      assert.equal(auc([0.09, 0.5], 0.08, { method }), 0);
    }
    expectClose([auc([0.02], 0.08, { method: 'exact' })], [0.75], 1e-12);
    expectClose([auc([0.02], 0.08)], [0.75], 2e-3, 'simpson on the 1e-4 grid');
    // Simpson and exact agree within step/T on a spread of errors.
    const rng = new Rng(3);
    const e = Array.from({ length: 500 }, () => Math.abs(rng.normal(0, 0.05)));
    assert.ok(Math.abs(auc(e) - auc(e, 0.08, { method: 'exact' })) < 0.00125);
  });

  it('failure rate counts errors above the threshold only', () => {
    assert.equal(failureRate([0.01, 0.08, 0.0801, 1]), 0.5);
    assert.equal(failureRate([0.01], 0.08), 0);
  });

  it('evaluationSummary', () => {
    const s = evaluationSummary([0.04, 0.01, 0.2, 0.03], { aucMethod: 'exact' });
    assert.equal(s.n, 4);
    expectClose([s.mean, s.median, s.failureRate], [0.07, 0.035, 0.25], 1e-12);
    expectClose([s.auc], [(0.04 + 0.07 + 0.05) / (4 * 0.08)], 1e-12);
    assert.throws(() => evaluationSummary([]), /non-empty array/);
    assert.throws(() => evaluationSummary([0.1, -1]), /finite errors ≥ 0, got -1 at index 1/);
    assert.throws(() => auc([0.1], 0), /argument 'maxError' expected a number > 0/);
  });
});
