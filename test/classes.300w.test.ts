/** classes on real shapes: the 2,012 annotated 300-W training faces (skipped when ../shared/data is absent). */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { chooseTau, classTableFromKmeans, kmeans, membershipStats } from '../src/classes';
import { readPts } from '../src/data/io';
import { shapeBox, shapeToBox } from '../src/landmarks';
import { requireSharedData } from './helpers';

function ptsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...ptsFiles(p));
    else if (e.name.endsWith('.pts')) out.push(p);
  }
  return out;
}

describe('classes on the 300-W training shapes', function () {
  let shapes: Float32Array;
  let M = 0;
  before(async function () {
    const dir = requireSharedData(this, '300w-train');
    await tf.ready();
    const files = ptsFiles(dir);
    M = files.length;
    shapes = new Float32Array(M * 136);
    files.forEach((f, i) => {
      const s = readPts(f, { expectedPoints: 68 });
      shapes.set(shapeToBox(s, shapeBox(s)), i * 136);
    });
  });

  it('K = 50 k-means of the box-normalised shapes: Lloyd improves on k-means++, classes span both yaws', () => {
    assert.equal(M, 2012);
    const seedOnly = kmeans(shapes, 68, { K: 50, seed: 1, iterations: 0 });
    const before = tf.memory().numTensors;
    const km = kmeans(shapes, 68, { K: 50, seed: 1 });
    assert.equal(tf.memory().numTensors, before);
    assert.ok(km.inertia < 0.9 * seedOnly.inertia, `inertia ${km.inertia} vs seeding ${seedOnly.inertia}`);
    const rms = Math.sqrt(km.inertia / (M * 68));
    console.log(
      `      K=50: ${km.iterations} iterations, RMS point distance to centre ${rms.toFixed(4)} box units`,
    );
    assert.ok(rms > 0.01 && rms < 0.06, `RMS ${rms}`);
    const t = classTableFromKmeans(shapes, 68, { K: 50, seed: 1 });
    const yaws = Array.from({ length: 50 }, (_, k) => t.pose[3 * k]);
    assert.ok(
      Math.min(...yaws) < -15 && Math.max(...yaws) > 15,
      `yaw range ${Math.min(...yaws)}..${Math.max(...yaws)}`,
    );
    assert.ok(yaws.every((y) => Math.abs(y) < 90));
  });

  it('membership statistics and the chosen tau on a held-out tenth', () => {
    const V = Math.floor(M / 10);
    const train = shapes.subarray(0, (M - V) * 136);
    const val = shapes.subarray((M - V) * 136);
    const t = classTableFromKmeans(train, 68, { K: 200, seed: 2 });
    const s = membershipStats(t, val, 0.05);
    console.log(
      `      K=200, tau 0.05: mean |M_i| ${s.mean.toFixed(1)}, median ${s.median}, empty ${(100 * s.fractionEmpty).toFixed(1)}%`,
    );
    const c = chooseTau(t, val);
    console.log(
      `      chooseTau: tau ${c.tau.toFixed(4)} (oracle error ${c.oracleError[c.index].toFixed(4)}, median |M_i| ${c.medianSize[c.index]})`,
    );
    console.log(
      `      candidates ${Array.from(c.candidates, (x) => x.toFixed(3)).join(' ')}\n      oracle     ${Array.from(c.oracleError, (x) => x.toFixed(3)).join(' ')}\n      median     ${Array.from(c.medianSize).join(' ')}`,
    );
    // Averaging the centres near the truth beats the nearest centre alone (quantisation error).
    assert.ok(c.oracleError[c.index] < 0.95 * c.oracleError[0]);
    assert.ok(c.medianSize[c.index] >= 1);
    // Oracle error grows with tau once sets are non-trivial; sizes grow monotonically.
    for (let i = 1; i < c.candidates.length; i++) assert.ok(c.meanSize[i] >= c.meanSize[i - 1]);
    assert.ok(c.oracleError[c.candidates.length - 1] > c.oracleError[0]);
  });
});
