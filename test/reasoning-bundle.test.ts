/**
 * The reasoning core runs outside Node: src/reasoning bundled by esbuild for the browser (an IIFE), executed in a bare
 * `vm` context (no require, process, Buffer or module), must condition a posterior exactly as Node does.
 */
import * as assert from 'node:assert/strict';
import * as vm from 'node:vm';
import * as reasoning from '../src/reasoning';
import { Rng } from '../src/util/rng';
import { reasoningBrowserBundle } from './helpers';

describe('reasoning in a no-Node environment (esbuild browser bundle in a bare vm context)', function () {
  it('bundles without Node modules and gives the same conditioning, heatmap and marginal as Node', async () => {
    const code = await reasoningBrowserBundle();
    assert.ok(!/require\(["']node:/.test(code), 'no node: imports in the bundle');
    const K = 50;
    const N = 68;
    const rng = new Rng(9);
    const table = {
      K,
      nPoints: N,
      centers: Float32Array.from({ length: K * 2 * N }, () => rng.uniform(0.1, 0.9)),
      sigma: Float32Array.from({ length: K }, () => rng.uniform(0.01, 0.03)),
      pose: Float32Array.from({ length: 3 * K }, () => rng.uniform(-80, 80)),
      visibility: new Float32Array(K * N).fill(1),
    };
    const w = Float64Array.from({ length: K }, () => rng.next());
    const tot = w.reduce((a, b) => a + b, 0);
    const posterior = w.map((v) => v / tot);
    const box = { x: 10, y: 20, width: 80, height: 90 };
    const evidence = [{ landmark: 'noseTip', x: 50, y: 60, sigma: 4 }];
    // typed arrays are per realm: hand the context plain arrays, rebuilt there
    const plain = {
      table: {
        K,
        nPoints: N,
        ...Object.fromEntries(
          ['centers', 'sigma', 'pose', 'visibility'].map((k) => [k, Array.from(table[k as 'sigma'])]),
        ),
      },
      posterior: Array.from(posterior),
      box,
      evidence,
    };
    const ctx = vm.createContext({ plain });
    assert.equal(
      vm.runInContext('typeof require + typeof process + typeof Buffer', ctx),
      'undefinedundefinedundefined',
    );
    vm.runInContext(code, ctx);
    const json = vm.runInContext(
      `(() => {
        const r = xlReasoning;
        const { box, evidence } = plain;
        const t = plain.table;
        const table = { K: t.K, nPoints: t.nPoints, centers: Float32Array.from(t.centers), sigma: Float32Array.from(t.sigma),
          pose: Float32Array.from(t.pose), visibility: Float32Array.from(t.visibility) };
        const posterior = Float64Array.from(plain.posterior);
        const c = r.posteriorCondition(r.posteriorTop(posterior, { mass: 0.99 }), table, box, evidence);
        return JSON.stringify({
          indices: Array.from(c.posterior.indices),
          probs: Array.from(c.posterior.probs),
          snapped: Array.from(c.snapped),
          heat: Array.from(r.posteriorHeatmap(c.posterior, table, box, { group: 'leftEye', cols: 16 }).values),
          yaw: r.attributeMarginal(c.posterior, table).intervals,
        });
      })()`,
      ctx,
    );
    const got = JSON.parse(json) as {
      indices: number[];
      probs: number[];
      snapped: number[];
      heat: number[];
      yaw: unknown;
    };
    const c = reasoning.posteriorCondition(
      reasoning.posteriorTop(posterior, { mass: 0.99 }),
      table,
      box,
      evidence,
    );
    assert.deepEqual(got.indices, Array.from(c.posterior.indices));
    assert.deepEqual(got.probs, Array.from(c.posterior.probs));
    assert.deepEqual(got.snapped, Array.from(c.snapped));
    const heat = reasoning.posteriorHeatmap(c.posterior, table, box, { group: 'leftEye', cols: 16 }).values;
    assert.deepEqual(got.heat, Array.from(heat));
    assert.deepEqual(got.yaw, reasoning.attributeMarginal(c.posterior, table).intervals);
  });
});
