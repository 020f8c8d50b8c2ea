import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { FormatError, TrainingError, ValueError } from '../src/errors';
import {
  CHECKPOINT_KIND,
  createModel,
  evaluateModel,
  train,
  type ExemplarModel,
  type ProgressState,
  type TrainOptions,
} from '../src/model';
import { meanShapeBaseline, packReferenceShapes } from '../src/experiments';
import { readContainer } from '../src/model/container';
import { exemplarTable, initBackend, tinySamples } from './modelFixtures';

const tiny = { input: { size: 16 }, widths: [8, 16], featureDim: 16 };
/** 'every loss' test: epochs, and the error it must reach as a fraction of the mean shape's (and the untrained model's). */
const EVERY_LOSS_EPOCHS = 6;
const EVERY_LOSS_RATIO = 0.4; // measured 0.15-0.24 (wasm, seeds as below)

function weights(m: ExemplarModel): Float32Array[] {
  return [
    ...m.backbone.getWeights().map((w) => Float32Array.from(w.dataSync() as Float32Array)),
    m.headWeights(),
    m.headB,
  ];
}

function sameWeights(a: ExemplarModel, b: ExemplarModel): boolean {
  const wa = weights(a);
  const wb = weights(b);
  return wa.every((w, i) => w.length === wb[i].length && w.every((v, j) => v === wb[i][j]));
}

describe('model: train', function () {
  const trainSet = tinySamples(96, 1, 24);
  const valSet = tinySamples(16, 2, 24);
  const table = exemplarTable(trainSet);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xl-train-'));
  const quiet: TrainOptions = { progress: 'none', batchSize: 16, tau: 0.08, learningRate: 0.01, seed: 3 };

  before(async () => {
    console.log(`      backend: ${await initBackend()}`);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('learns: the loss falls and validation error beats the mean shape (dense multiLabel)', async () => {
    const empty = tf.memory().numTensors;
    const model = createModel(table, { ...tiny, seed: 1 });
    // The model's own engine-side caches (head, centre chunks, the centres for the engine's expected-shape sum),
    // created on first need and freed by dispose(): warm them so that only training's own tensors are counted.
    model.tensors();
    model.centerChunks();
    model.centersTensor();
    const before = tf.memory().numTensors;
    const states: ProgressState[] = [];
    const r = await train(model, trainSet, {
      ...quiet,
      epochs: 10,
      validation: valSet,
      progress: { epoch: (s) => states.push(s) },
    });
    assert.equal(tf.memory().numTensors, before, 'no tensors leaked by training');
    assert.equal(r.head, 'dense');
    assert.equal(states.length, 10);
    assert.ok(
      r.history[9].loss < 0.5 * r.history[0].loss,
      `loss ${r.history[0].loss} → ${r.history[9].loss}`,
    );
    // baseline: the mean class centre placed in each reference box
    const K = table.K;
    const dim = table.centers.length / K;
    const mean = new Float32Array(dim);
    for (let k = 0; k < K; k++) for (let j = 0; j < dim; j++) mean[j] += table.centers[k * dim + j] / K;
    let base = 0;
    for (const s of valSet) {
      let e = 0;
      for (let j = 0; j < dim; j += 2) {
        e += Math.hypot(
          s.box.x + mean[j] * s.box.width - s.landmarks[j],
          s.box.y + mean[j + 1] * s.box.height - s.landmarks[j + 1],
        );
      }
      base += e / (dim / 2) / Math.hypot(s.box.width, s.box.height) / valSet.length;
    }
    const err = evaluateModel(model, valSet).mean;
    console.log(
      `      validation error ${err.toFixed(4)} vs mean shape ${base.toFixed(4)}; history ${r.history.map((h) => h.validationError?.toFixed(3)).join(' ')}`,
    );
    assert.ok(err < 0.5 * base, `model ${err} vs mean shape ${base}`);
    model.dispose();
    assert.equal(tf.memory().numTensors, empty, 'dispose() frees every tensor the model made');
  });

  it('trains every loss and the sampled head: each beats the mean shape and its untrained start', async () => {
    const base = meanShapeBaseline(packReferenceShapes(trainSet), valSet).mean;
    for (const [loss, head] of [
      ['softmax', 'dense'],
      ['softTarget', 'dense'],
      ['multiLabel', 'dense'],
      ['multiLabel', 'sampled'],
    ] as const) {
      const model = createModel(table, { ...tiny, seed: 2 });
      const untrained = evaluateModel(model, valSet).mean;
      const r = await train(model, trainSet, {
        ...quiet,
        epochs: EVERY_LOSS_EPOCHS,
        loss,
        head,
        negatives: 16,
      });
      assert.equal(r.head, head);
      assert.ok(r.history.every((h) => Number.isFinite(h.loss)));
      assert.ok(
        r.history.at(-1)!.loss < r.history[0].loss,
        `${loss}/${head}: ${r.history.map((h) => h.loss).join(', ')}`,
      );
      const err = evaluateModel(model, valSet).mean;
      console.log(
        `      ${loss}/${head}: validation error ${err.toFixed(4)} (untrained ${untrained.toFixed(4)}, mean shape ${base.toFixed(4)})`,
      );
      assert.ok(err < EVERY_LOSS_RATIO * base, `${loss}/${head}: ${err} vs mean shape ${base}`);
      assert.ok(err < EVERY_LOSS_RATIO * untrained, `${loss}/${head}: ${err} vs untrained ${untrained}`);
      model.dispose();
    }
    // with batch norm: the moving statistics are updated by training (and saved with the weights)
    const bn = createModel(table, { ...tiny, batchNorm: true, seed: 2 });
    const layer = bn.backbone.layers.find((l) => l.getClassName() === 'BatchNormalization');
    const movingVar = () => Array.from(layer?.getWeights()[3].dataSync() ?? []);
    const v0 = movingVar();
    const r = await train(bn, trainSet, { ...quiet, epochs: 3 });
    assert.ok(
      r.history[2].loss < r.history[0].loss,
      `batch norm: ${r.history.map((h) => h.loss).join(', ')}`,
    );
    assert.equal(v0.length, 8);
    assert.notDeepEqual(movingVar(), v0);
    bn.dispose();
  });

  it('is deterministic for a seed, and a resumed run ends where an uninterrupted one does', async () => {
    for (const head of ['dense', 'sampled'] as const) {
      const opts: TrainOptions = { ...quiet, epochs: 2, head, negatives: 12 };
      const a = createModel(table, { ...tiny, seed: 4 });
      const b = createModel(table, { ...tiny, seed: 4 });
      await train(a, trainSet, opts);
      await train(b, trainSet, opts);
      assert.ok(sameWeights(a, b), `${head}: two runs with one seed differ`);
      const ckpt = path.join(dir, `resume-${head}.ckpt`);
      const beforeCheckpointing = tf.memory().numTensors;
      const c = createModel(table, { ...tiny, seed: 4 });
      await train(c, trainSet, { ...opts, epochs: 1, checkpoint: ckpt });
      c.dispose();
      assert.equal(tf.memory().numTensors, beforeCheckpointing, `${head}: checkpointing leaked tensors`);
      const d = createModel(table, { ...tiny, seed: 4 });
      const r = await train(d, trainSet, { ...opts, checkpoint: ckpt, resume: true });
      assert.equal(r.history.length, 2);
      assert.ok(sameWeights(a, d), `${head}: resumed run differs from the uninterrupted one`);
      const e = createModel(table, { ...tiny, seed: 5 });
      await train(e, trainSet, opts);
      assert.ok(!sameWeights(a, e), 'another seed gives other weights');
      [a, b, d, e].forEach((m) => m.dispose());
    }
  });

  it('survives a crash between write and rename: the last good checkpoint stays and resumes', async () => {
    const ckpt = path.join(dir, 'crash.ckpt');
    const m = createModel(table, { ...tiny, seed: 6 });
    await train(m, trainSet, { ...quiet, epochs: 1, checkpoint: ckpt });
    const good = fs.readFileSync(ckpt);
    await assert.rejects(
      train(m, trainSet, {
        ...quiet,
        epochs: 2,
        checkpoint: ckpt,
        resume: true,
        checkpointHooks: {
          beforeRename: () => {
            throw new Error('simulated crash');
          },
        },
      }),
      /simulated crash/,
    );
    assert.ok(fs.readFileSync(ckpt).equals(good), 'checkpoint unchanged by the failed save');
    const fresh = createModel(table, { ...tiny, seed: 6 });
    const r = await train(fresh, trainSet, { ...quiet, epochs: 2, checkpoint: ckpt, resume: true });
    assert.deepEqual(
      r.history.map((h) => h.epoch),
      [1, 2],
    );
    m.dispose();
    fresh.dispose();
  });

  it('survives SIGKILL between write and rename of a checkpoint (child process, deterministic) and resumes from it', async function () {
    this.timeout(120000);
    const ckpt = path.join(dir, 'killed.ckpt');
    const script = path.join(dir, 'child.ts');
    const root = path.resolve(__dirname, '..');
    // The child's third checkpoint save stops inside the write hook, after the temporary file is written and
    // fsynced and before its rename, and waits there until the parent kills it: the kill lands between write and
    // rename every time.
    fs.writeFileSync(
      script,
      `import { createModel, train } from '${root}/src/model';
import { exemplarTable, initBackend, tinySamples } from '${root}/test/modelFixtures';
(async () => {
  await initBackend();
  const s = tinySamples(96, 1, 24);
  const m = createModel(exemplarTable(s), { input: { size: 16 }, widths: [8, 16], featureDim: 16, seed: 7 });
  let saves = 0;
  await train(m, s, { progress: 'none', batchSize: 16, tau: 0.08, epochs: 1000, checkpoint: ${JSON.stringify(ckpt)}, resume: true,
    checkpointHooks: { beforeRename: (tmp) => {
      saves++;
      process.stdout.write('written ' + saves + ' ' + tmp + '\\n');
      if (saves === 3) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // paused until killed
    } } });
})();
`,
    );
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    let pausedTmp = '';
    let tmpExistedAtKill = false;
    let renamedBeforeKill = true;
    const exit = await new Promise<string | null>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /written 3 (\S+)\n/.exec(out);
        if (m && !pausedTmp) {
          pausedTmp = m[1];
          tmpExistedAtKill = fs.existsSync(pausedTmp);
          const state = readContainer('test', ckpt, CHECKPOINT_KIND).header.state as { epochsDone: number };
          renamedBeforeKill = state.epochsDone !== 2;
          child.kill('SIGKILL');
        }
      });
      child.on('exit', (_code, signal) => resolve(signal));
      child.on('error', reject);
    });
    assert.equal(exit, 'SIGKILL', `the child was killed (output: ${out})`);
    assert.ok(pausedTmp, 'the child reached its third save');
    assert.ok(tmpExistedAtKill && !renamedBeforeKill, 'killed after the write, before the rename');
    // what the kill left: the complete, unrenamed third save beside the intact second one
    const tmp = readContainer('test', pausedTmp, CHECKPOINT_KIND).header.state as { epochsDone: number };
    const kept = readContainer('test', ckpt, CHECKPOINT_KIND).header.state as { epochsDone: number };
    assert.equal(tmp.epochsDone, 3, 'the temporary file was fully written');
    assert.equal(kept.epochsDone, 2, 'the checkpoint is the last renamed save');
    const leftovers = fs.readdirSync(dir).filter((f) => f.startsWith('.killed.ckpt') && f.endsWith('.tmp'));
    assert.deepEqual(leftovers, [path.basename(pausedTmp)]);
    const m = createModel(table, { ...tiny, seed: 7 });
    const r = await train(m, trainSet, {
      ...quiet,
      seed: 0,
      learningRate: 0.001,
      epochs: 4,
      checkpoint: ckpt,
      resume: true,
    });
    assert.deepEqual(
      r.history.map((h) => h.epoch),
      [1, 2, 3, 4],
      'epochs 1-2 from the checkpoint, 3-4 resumed',
    );
    m.dispose();
  });

  it('stops on a non-finite loss naming the step and batch, keeping the last checkpoint', async () => {
    const ckpt = path.join(dir, 'nan.ckpt');
    const m = createModel(table, { ...tiny, seed: 8 });
    await train(m, trainSet, { ...quiet, epochs: 1, checkpoint: ckpt });
    const good = fs.readFileSync(ckpt);
    const before = tf.memory().numTensors;
    await assert.rejects(
      // a changed learning rate on resume: accepted only as an inexact resume
      train(m, trainSet, {
        ...quiet,
        epochs: 3,
        learningRate: 1e38,
        checkpoint: ckpt,
        resume: true,
        inexactResume: true,
      }),
      (e: Error) =>
        e instanceof TrainingError &&
        /loss is (NaN|Infinity) at epoch 2 step \d+ .*batch of samples \[\d+.*the update was not applied; last good checkpoint/.test(
          e.message,
        ),
    );
    assert.equal(tf.memory().numTensors, before, 'no tensors leaked by the failed run');
    assert.ok(fs.readFileSync(ckpt).equals(good), 'the last good checkpoint is untouched');
    m.dispose();
  });

  it('stops early when validation stops improving and restores the best epoch', async () => {
    const m = createModel(table, { ...tiny, seed: 9 });
    const r = await train(m, trainSet, {
      ...quiet,
      learningRate: 0.05,
      epochs: 30,
      patience: 2,
      validation: valSet,
    });
    const errs = r.history.map((h) => h.validationError as number);
    console.log(
      `      stopped after ${r.history.length} epochs, best ${r.bestEpoch}: ${errs.map((e) => e.toFixed(3)).join(' ')}`,
    );
    assert.ok(r.stoppedEarly, 'stopped early');
    assert.equal(r.history.length, r.bestEpoch + 2);
    const best = Math.min(...errs);
    assert.equal(errs[r.bestEpoch - 1], best);
    assert.ok(Math.abs(evaluateModel(m, valSet).mean - best) < 1e-6, 'the best weights were restored');
    m.dispose();
  });

  it('rejects bad input, foreign and corrupt checkpoints with named errors', async () => {
    const m = createModel(table, { ...tiny, seed: 10 });
    await assert.rejects(
      train(m, [], quiet),
      (e: Error) => e instanceof ValueError && /argument 'train'/.test(e.message),
    );
    await assert.rejects(train(m, trainSet, { ...quiet, tau: 0 }), /argument 'tau' expected a number > 0/);
    await assert.rejects(
      train(m, trainSet, { ...quiet, loss: 'softmax', head: 'sampled' }),
      /expected loss 'multiLabel'/,
    );
    const wrong = [{ ...trainSet[0], landmarks: new Float32Array(12) }];
    await assert.rejects(train(m, wrong, quiet), /train\[0\]\.landmarks' expected 5 points/);
    await assert.rejects(
      train(m, trainSet, { ...quiet, validation: wrong }),
      /validation\[0\]\.landmarks' expected 5 points/,
    );
    const ckpt = path.join(dir, 'k96.ckpt');
    await train(m, trainSet, { ...quiet, epochs: 1, checkpoint: ckpt });
    const other = createModel(exemplarTable(trainSet.slice(0, 40)), { ...tiny, seed: 10 });
    await assert.rejects(
      train(other, trainSet, { ...quiet, epochs: 2, checkpoint: ckpt, resume: true }),
      (e: Error) =>
        e instanceof TrainingError && /is for another model \(K 96.*expected K 40/.test(e.message),
    );
    await assert.rejects(
      train(m, trainSet, { ...quiet, loss: 'softmax', epochs: 2, checkpoint: ckpt, resume: true }),
      (e: Error) => e instanceof TrainingError && /was trained with .*"loss":"multiLabel"/.test(e.message),
    );
    const bytes = fs.readFileSync(ckpt);
    bytes[Math.floor(bytes.length / 2)] ^= 0x55;
    fs.writeFileSync(ckpt, bytes);
    await assert.rejects(
      train(m, trainSet, { ...quiet, epochs: 2, checkpoint: ckpt, resume: true }),
      (e: Error) => e instanceof FormatError && /corrupt or truncated/.test(e.message),
    );
    m.dispose();
    other.dispose();
  });
});
