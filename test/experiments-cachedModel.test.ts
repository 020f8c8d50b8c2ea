import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cachedModel, cachedModelSettings, posedClassTable } from '../src/experiments';
import { ibug68 } from '../src/landmarks/scheme';
import { initBackend } from './modelFixtures';

const tiny = {
  source: 'synth-easy' as const,
  n: 12,
  nValidation: 3,
  epochs: 1,
  size: 32,
  batchSize: 8,
  model: { input: { size: 16 }, widths: [8, 16], featureDim: 16, seed: 2 },
  progress: 'none' as const,
};

describe('experiments.cachedModel', function () {
  let dir = '';
  before(async () => {
    await initBackend();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xl-cache-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('trains once, saves with its settings, loads from the cache, retrains when the settings change', async () => {
    const a = await cachedModel({ ...tiny, dir });
    try {
      assert.equal(a.fromCache, false);
      assert.ok(fs.existsSync(a.file));
      assert.equal(a.table.K, 12);
      assert.equal(a.data.validation.length, 3);
      assert.deepEqual(a.settings, cachedModelSettings(tiny));
    } finally {
      a.model.dispose();
    }
    const b = await cachedModel({ ...tiny, dir });
    try {
      assert.equal(b.fromCache, true);
      assert.equal(b.file, a.file);
      assert.deepEqual(
        Array.from(b.table.centers.subarray(0, 8)),
        Array.from(a.table.centers.subarray(0, 8)),
      );
    } finally {
      b.model.dispose();
    }
    const c = await cachedModel({ ...tiny, dir, tau: 0.07 });
    try {
      assert.equal(c.fromCache, false, 'other settings: another file, trained');
      assert.notEqual(c.file, a.file);
    } finally {
      c.model.dispose();
    }
    // a corrupt file is stale, not an error
    fs.writeFileSync(a.file, 'garbage');
    const d = await cachedModel({ ...tiny, dir });
    d.model.dispose();
    assert.equal(d.fromCache, false);
  });

  it('rejects bad settings by name', () => {
    assert.throws(() => cachedModelSettings({ source: 'nope' as never }), /cachedModel: argument 'source'/);
    assert.throws(() => cachedModelSettings({ epochs: 0 }), /cachedModel: argument 'epochs'/);
  });
});

describe('experiments.posedClassTable', () => {
  it('projected template faces at random poses, in box coordinates, with their pose and a self-occlusion rule', () => {
    const t = posedClassTable(50, { seed: 3, yaw: [-90, 90], tilt: 10 });
    assert.equal(t.K, 50);
    assert.equal(t.scheme, 'ibug68');
    for (let k = 0; k < 50; k++) {
      const row = t.centers.subarray(k * 136, (k + 1) * 136);
      assert.ok(Math.min(...row) >= -1e-6 && Math.max(...row) <= 1 + 1e-6, 'box coordinates span [0, 1]');
      assert.ok(
        Math.abs(t.pose[3 * k]) <= 90 &&
          Math.abs(t.pose[3 * k + 1]) <= 10 &&
          Math.abs(t.pose[3 * k + 2]) <= 10,
      );
      assert.ok(t.sigma[k] >= 0.01 && t.sigma[k] <= 0.04);
      const hidden = Array.from(t.visibility.subarray(k * 68, (k + 1) * 68)).filter((v) => v < 1).length;
      if (Math.abs(t.pose[3 * k]) <= 40) assert.equal(hidden, 0, 'near-frontal: every point visible');
      else assert.ok(hidden > 0 && hidden <= ibug68.groups.jaw.length, 'turned: some jaw points hidden');
    }
    assert.deepEqual(
      posedClassTable(5, { seed: 3 }).centers,
      posedClassTable(5, { seed: 3 }).centers,
      'seeded',
    );
    assert.throws(() => posedClassTable(0), /posedClassTable: argument 'K'/);
  });
});
