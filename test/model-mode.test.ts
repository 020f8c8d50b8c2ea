import * as assert from 'node:assert/strict';
import { createModel, predict } from '../src/model';
import { expectClose } from './helpers';
import { initBackend, tableFromCenters, tinySamples } from './modelFixtures';
import { modeShapeSearch, medianSpread } from '../src/internal';

/** K shapes of 2 points (dim 4): each point at (x, y) = (v, v) offset per point. */
function centresOf(values: number[]): Float32Array {
  const c = new Float32Array(values.length * 4);
  values.forEach((v, k) => c.set([v, v, v + 0.5, v], k * 4));
  return c;
}

describe('model: mode of the posterior landmark density (modeShape.ts)', () => {
  before(async () => {
    await initBackend();
  });

  it('keeps to the heavier of two modes where the expected shape averages them and the MAP picks the lighter', () => {
    // cluster A: three classes near 0.2 (0.2 each, 0.6 in all); B: one class at 0.8 (0.4, the single most probable)
    const centers = centresOf([0.19, 0.2, 0.21, 0.8]);
    const p = Float32Array.from([0.2, 0.2, 0.2, 0.4]);
    const r = modeShapeSearch(p, 0, 4, centers, 4, [3, 0, 1], { bandwidth: 0.05 });
    expectClose(r.shape, [0.2, 0.2, 0.7, 0.2], 1e-3, 'mode at A');
    assert.ok(r.iterations >= 1 && r.classes === 4);
    // from B alone, mean shift stays at B's mode (it climbs to the nearest one)
    const fromB = modeShapeSearch(p, 0, 4, centers, 4, [3], { bandwidth: 0.05 });
    expectClose(fromB.shape, [0.8, 0.8, 1.3, 0.8], 1e-3, 'mode at B');
    assert.ok(r.logDensity > fromB.logDensity);
  });

  it('tends to the expected shape as the bandwidth grows', () => {
    const centers = centresOf([0.1, 0.3, 0.35, 0.9]);
    const p = Float32Array.from([0.1, 0.4, 0.3, 0.2]);
    const r = modeShapeSearch(p, 0, 4, centers, 4, [1], { bandwidth: 100 });
    const ex = [0, 0, 0, 0];
    for (let k = 0; k < 4; k++) for (let j = 0; j < 4; j++) ex[j] += p[k] * centers[k * 4 + j];
    expectClose(r.shape, ex, 1e-4, 'wide kernel');
  });

  it('sums over the most probable classes only (exponent buckets from the top)', () => {
    const K = 5000;
    const centers = new Float32Array(K * 4);
    const p = new Float32Array(K).fill(1e-9);
    p[7] = 0.5;
    p[8] = 0.25;
    const r = modeShapeSearch(p, 0, K, centers, 4, [7], { bandwidth: 0.1, maxClasses: 16 });
    assert.equal(r.classes, 2);
    const all = modeShapeSearch(p, 0, K, centers, 4, [7], { bandwidth: 0.1, maxClasses: 10000 });
    assert.equal(all.classes, K);
    // a flat posterior: the top bucket is taken whole even above maxClasses
    const flat = modeShapeSearch(new Float32Array(K).fill(1 / K), 0, K, centers, 4, [0], {
      bandwidth: 0.1,
      maxClasses: 16,
    });
    assert.equal(flat.classes, K);
  });

  it("predict's mode option: modeShape in pixels (null without it), named errors for bad options", () => {
    const centers = centresOf([0.19, 0.2, 0.21, 0.8, 0.5]);
    const table = tableFromCenters(centers, 2);
    const model = createModel(table, { input: { size: 16 }, widths: [4, 8], featureDim: 8, seed: 2 });
    model.updateHead((W) => {
      for (let i = 0; i < W.length; i++) W[i] = Math.sin(i) * 3;
    });
    const [s] = tinySamples(1, 9, 32);
    const box = { x: 4, y: 6, width: 20, height: 16 };
    assert.equal(predict(model, s.image, box).modeShape, null);
    const p = predict(model, s.image, box, { mode: true, modeBandwidth: 0.05 });
    const tops = Array.from(p.posterior)
      .map((v, k) => [v, k])
      .sort((a, b) => b[0] - a[0])
      .slice(0, 3)
      .map((e) => e[1]);
    const ref = modeShapeSearch(p.posterior, 0, 5, table.centers, 4, tops, { bandwidth: 0.05 });
    const px = [0, 1, 2, 3].map((j) => (j % 2 === 0 ? 4 + ref.shape[j] * 20 : 6 + ref.shape[j] * 16));
    expectClose(p.modeShape as Float32Array, px, 1e-4, 'pixels');
    // the default bandwidth is the median class spread
    assert.equal(model.modeBandwidth(), medianSpread(table.sigma));
    assert.ok(predict(model, s.image, box, { mode: true }).modeShape);
    assert.throws(() => predict(model, s.image, box, { mode: 'yes' as unknown as boolean }), /option 'mode'/);
    assert.throws(() => predict(model, s.image, box, { mode: true, modeBandwidth: 0 }), /'modeBandwidth'/);
    // the 8-bit head predicts the mode too
    model.inferenceOnly({ head: 'int8' });
    const q = predict(model, s.image, box, { mode: true, modeBandwidth: 0.05 });
    expectClose(q.modeShape as Float32Array, p.modeShape as Float32Array, 1e-3, 'int8');
    model.dispose();
    assert.equal(medianSpread(Float32Array.from([0, NaN])), 0.05);
    assert.equal(medianSpread(Float32Array.from([0.3, 0.1, 0.2])), Math.fround(0.2));
  });
});
