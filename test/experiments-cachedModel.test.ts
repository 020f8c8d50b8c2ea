import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cachedModel, cachedModelSettings } from '../src/experiments';
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
