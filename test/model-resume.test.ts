/** model: resuming a checkpoint with other training settings is refused by name, or accepted as inexact. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TrainingError } from '../src/errors';
import { createModel, train, type TrainOptions } from '../src/model';
import { resumeSettingsCheck, settingDifferences } from '../src/model/resumeCheck';
import { exemplarTable, initBackend, tinySamples } from './modelFixtures';

const tiny = { input: { size: 16 }, widths: [4, 8], featureDim: 8 };

describe('model: resume settings', function () {
  const trainSet = tinySamples(24, 1, 16);
  const table = exemplarTable(trainSet);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xl-resume-'));
  const base: TrainOptions = { progress: 'none', batchSize: 8, tau: 0.08, learningRate: 0.01, seed: 3 };

  before(async () => {
    await initBackend();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Trains one epoch into a fresh checkpoint, then resumes it for a second epoch with `changed` settings. */
  async function resumeWith(first: TrainOptions, changed: TrainOptions) {
    const file = path.join(dir, `c${Math.random().toString(36).slice(2)}.xlc`);
    const m1 = createModel(table, { ...tiny, seed: 1 });
    await train(m1, trainSet, { ...base, ...first, epochs: 1, checkpoint: file });
    m1.dispose();
    const m2 = createModel(table, { ...tiny, seed: 1 });
    try {
      return await train(m2, trainSet, {
        ...base,
        ...first,
        ...changed,
        epochs: 2,
        checkpoint: file,
        resume: true,
      });
    } finally {
      m2.dispose();
    }
  }

  it('refuses a changed learningRate / headLearningRate, listing each difference', async () => {
    await assert.rejects(
      resumeWith({}, { learningRate: 0.02, headLearningRate: 0.05 }),
      (e: Error) =>
        e instanceof TrainingError &&
        /learningRate 0\.01 in the checkpoint, 0\.02 now/.test(e.message) &&
        /headLearningRate 0\.01 in the checkpoint, 0\.05 now/.test(e.message) &&
        /inexactResume: true/.test(e.message),
    );
  });

  it('refuses changed negatives / maxPositives of the sampled head', async () => {
    const sampled: TrainOptions = { head: 'sampled', negatives: 8, maxPositives: 4 };
    await assert.rejects(
      resumeWith(sampled, { negatives: 6 }),
      (e: Error) => e instanceof TrainingError && /negatives 8 in the checkpoint, 6 now/.test(e.message),
    );
    await assert.rejects(
      resumeWith(sampled, { maxPositives: 2 }),
      (e: Error) => e instanceof TrainingError && /maxPositives 4 in the checkpoint, 2 now/.test(e.message),
    );
  });

  it('accepts them with inexactResume, and resumes an unchanged run as before', async () => {
    const r = await resumeWith({}, { learningRate: 0.02, inexactResume: true });
    assert.equal(r.history.length, 2);
    const same = await resumeWith({}, {});
    assert.equal(same.history.length, 2);
  });

  it('resumeSettingsCheck: layout changes are refused even when inexact; unrecorded settings count', () => {
    assert.deepEqual(settingDifferences({ a: 1, b: 2 }, { a: 1, b: 3, c: 4 }), [
      { name: 'b', saved: 2, current: 3 },
      { name: 'c', saved: undefined, current: 4 },
    ]);
    assert.deepEqual(resumeSettingsCheck('train', 'f', { a: 1 }, { a: 1 }), []);
    assert.throws(
      () => resumeSettingsCheck('train', 'f', { head: 'dense' }, { head: 'sampled' }, true),
      (e: Error) => e instanceof TrainingError && /head change what the checkpoint holds/.test(e.message),
    );
    assert.throws(
      () => resumeSettingsCheck('train', 'f', {}, { learningRate: 0.1 }),
      /learningRate \(not recorded\) in the checkpoint, 0\.1 now/,
    );
    assert.equal(resumeSettingsCheck('train', 'f', {}, { learningRate: 0.1 }, true).length, 1);
  });
});
