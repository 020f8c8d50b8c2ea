/**
 * The paper's experiments (issue 5 part 6): Fig. 3 (landmark error, classification accuracy and multi-label error
 * against K for each loss, on synthetic faces and on the 300-W crops' validation split), Fig. 2 (forward time and
 * memory against K) and the accuracy target (failure rate of the exemplar classifier vs the mean shape in the
 * detection box on synthetic `hard` faces).
 *
 * Sizes (full mode; quick mode uses tiny ones on the same code paths) can be set by environment variables:
 *   XL_EXP_PARTS    which parts: any of losses,cost,failure           (default losses,cost,failure)
 *   XL_EXP_SOURCES  data for the losses grid: synth-easy,synth-hard,300w (default synth-easy,300w; 300w skipped when absent)
 *   XL_EXP_N        training faces                                     (default 1200)
 *   XL_EXP_NVAL     validation faces                                   (default 300)
 *   XL_EXP_EPOCHS   epochs per run                                     (default 5; the hard-faces run: + 3)
 *   XL_EXP_LR       Adam learning rate                                 (default 0.005: better than 0.001 in 4-epoch runs)
 *   XL_EXP_KS       class counts, 'M' for exemplars                    (default 10,100,1000,M)
 *   XL_EXP_FAIL_TAU membership radius of the hard-faces run            (default 0.1: hard shapes are spread wide; at
 *                   0.05 most M_i hold only the face itself and the classifier stayed at the mean shape in 8 epochs)
 *   XL_EXP_NET      'small32' (below) or 'default' (the library's 64×64 small net, D 256) (default small32)
 *   XL_EXP_COST_KS  class counts of the forward-cost table             (default 10,100,1000,10000,140000)
 *   XL_EXP_SAVE     file to save the hard-faces run's trained model to  (default: not saved)
 *   XL_EXP_LOAD     score this saved model in the hard-faces run instead of training one (same data settings)
 * The network is the small CPU net at 32×32 gray with widths 16-32-64 and D = 128 (4× cheaper than the 64×64
 * default, so that 12 trainings per source fit in minutes on 2 cores). Each finished row is also appended to
 * bench/out/experiments-rows.jsonl (with XL_EXP_TAG, when set, to tell runs apart).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as engine from '../src/engine';
import {
  DATA_SOURCES,
  DEFAULT_W300_PATH,
  type DataSource,
  type KSpec,
  failureRates,
  forwardCostVsK,
  lossesVsK,
  meanShapeBaseline,
  prepareData,
  scoreClassifier,
  trainClassifier,
} from '../src/experiments';
import { loadModel, saveModel, type ModelOptions } from '../src/model';
import type { Bench, BenchTable } from './types';

const MODEL: ModelOptions = { input: { size: 32 }, widths: [16, 32, 64], featureDim: 128 };

function env(name: string, dflt: string): string {
  return process.env[name] ?? dflt;
}

function kList(s: string): KSpec[] {
  return s.split(',').map((k) => (k.trim() === 'M' ? 'M' : Number(k)));
}

const OUT = path.join(__dirname, 'out');

function logRow(row: object): void {
  fs.mkdirSync(OUT, { recursive: true });
  const tag = process.env.XL_EXP_TAG ?? '';
  fs.appendFileSync(path.join(OUT, 'experiments-rows.jsonl'), JSON.stringify({ tag, ...row }) + '\n');
}

const bench: Bench = async ({ quick }) => {
  await engine.init();
  const parts = env('XL_EXP_PARTS', 'losses,cost,failure').split(',');
  const n = quick ? 60 : Number(env('XL_EXP_N', '1200'));
  const nValidation = quick ? 30 : Number(env('XL_EXP_NVAL', '300'));
  const epochs = quick ? 1 : Number(env('XL_EXP_EPOCHS', '5'));
  const learningRate = Number(env('XL_EXP_LR', '0.005'));
  const Ks = quick ? kList('10,M') : kList(env('XL_EXP_KS', '10,100,1000,M'));
  const tables: BenchTable[] = [];
  const netName = env('XL_EXP_NET', 'small32');
  if (netName !== 'small32' && netName !== 'default') throw new Error(`unknown XL_EXP_NET ${netName}`);
  const net: ModelOptions = netName === 'default' ? {} : MODEL;

  if (parts.includes('losses')) {
    const sources = env('XL_EXP_SOURCES', 'synth-easy,300w').split(',') as DataSource[];
    for (const source of sources) {
      if (!DATA_SOURCES.includes(source)) throw new Error(`unknown source ${source}`);
      if (source === '300w' && !fs.existsSync(DEFAULT_W300_PATH)) {
        console.error(`experiments: ${DEFAULT_W300_PATH} absent, 300w skipped`);
        continue;
      }
      const data = prepareData({ source, n, nValidation, seed: 1 });
      const base = meanShapeBaseline(data.trainShapes, data.validation);
      const res = await lossesVsK(data, {
        Ks,
        model: net,
        train: { epochs, batchSize: 32, learningRate },
        onRow: (r) => {
          console.error(`experiments ${source}: ${JSON.stringify(r)}`);
          logRow({ source, ...r });
        },
      });
      tables.push({
        title: `Fig. 3 on ${source} (${netName} net): ${data.train.length} training / ${data.validation.length} validation faces, ${epochs} epochs, lr ${learningRate}`,
        columns: [
          'loss',
          'K',
          'landmark error (expected)',
          'landmark error (MAP)',
          'class. accuracy',
          'multi-label error',
          'failure rate',
          'img/s',
        ],
        rows: res.rows.map((r) => [
          r.loss,
          r.exemplar ? `${r.K} (=M)` : r.K,
          r.landmarkError,
          r.landmarkErrorMap,
          r.classificationAccuracy,
          r.multiLabelError,
          r.failureRate,
          r.imagesPerSecond,
        ]),
        notes: [
          `Mean shape in the detection box: landmark error ${base.mean.toFixed(4)}. Errors: mean pt-pt / ground-truth box diagonal; tau ${res.tau}.`,
          ...res.skipped.map((s) => `skipped K ${s.K}: ${s.reason}`),
        ],
      });
    }
  }

  if (parts.includes('cost')) {
    const costKs = quick
      ? [10, 1000]
      : env('XL_EXP_COST_KS', '10,100,1000,10000,140000').split(',').map(Number);
    const rows64 = forwardCostVsK({ Ks: costKs, batch: 32, repeats: quick ? 2 : 5 });
    const rows32 = forwardCostVsK({ Ks: costKs, batch: 32, repeats: quick ? 2 : 5, model: MODEL });
    const rows64q = forwardCostVsK({ Ks: costKs, batch: 32, repeats: quick ? 2 : 5, head: 'int8' });
    for (const [name, rs] of [
      ['64×64 small net (default), D 256', rows64],
      ['32×32 experiment net, D 128', rows32],
      ['64×64 small net, D 256, inference-only int8 head', rows64q],
    ] as const) {
      tables.push({
        title: `Fig. 2: forward cost against K (${name}, batch 32)`,
        columns: ['K', 'ms / face', 'backbone ms / face', 'ratio', 'head (+ centres) MB', 'RSS MB'],
        rows: rs.map((r) => [
          r.K,
          r.msPerFace,
          r.backboneMsPerFace,
          r.msPerFace / r.backboneMsPerFace,
          r.headMB,
          r.rssMB,
        ]),
        notes: [
          'Targets: K = 140,000 at most 10 ms / face and 500 MB; K ≤ 10,000 at most 2× the backbone alone.',
        ],
      });
    }
  }

  if (parts.includes('failure')) {
    const failTau = Number(env('XL_EXP_FAIL_TAU', '0.1'));
    const data = prepareData({ source: 'synth-hard', n, nValidation, seed: 2 });
    // XL_EXP_LOAD: score a model saved by an earlier run (XL_EXP_SAVE) instead of training one
    const loadFrom = process.env.XL_EXP_LOAD;
    const run = loadFrom
      ? { model: loadModel(loadFrom) }
      : await trainClassifier(data, {
          K: 'M',
          loss: 'multiLabel',
          model: net,
          train: { epochs: quick ? 1 : epochs + 3, batchSize: 32, learningRate, tau: failTau },
        });
    try {
      const saveTo = process.env.XL_EXP_SAVE;
      if (saveTo && !loadFrom) saveModel(run.model, saveTo); // to score it again later without retraining
      const s = scoreClassifier(run.model, data.validation, { tau: failTau, mode: true });
      const base = meanShapeBaseline(data.trainShapes, data.validation);
      // the same model with its head quantised (inference-only, 8-bit): what a user predicting at K = M would run
      run.model.inferenceOnly({ head: 'int8' });
      const sq = scoreClassifier(run.model, data.validation, { tau: failTau, mode: true });
      const fr = failureRates({
        'mean shape in detection box': base.errors,
        'exemplar classifier (expected)': s.errors,
        'exemplar classifier (MAP)': s.errorsMap,
        'exemplar classifier (mode)': s.errorsMode as Float32Array,
        'exemplar classifier, int8 head (expected)': sq.errors,
        'exemplar classifier, int8 head (MAP)': sq.errorsMap,
        'exemplar classifier, int8 head (mode)': sq.errorsMode as Float32Array,
      });
      fr.forEach((r) => logRow({ part: 'failure', ...r }));
      tables.push({
        title: `Accuracy target on synthetic hard faces (${loadFrom ? `model loaded from ${path.basename(loadFrom)}` : `${netName} net`}): ${data.train.length} training (K = M, multi-label, tau ${failTau}, ${quick ? 1 : epochs + 3} epochs), ${data.validation.length} validation`,
        columns: ['method', 'faces', 'mean error', 'failure rate (> 0.08)', 'ratio to mean shape'],
        rows: fr.map((r) => [r.name, r.n, r.meanError, r.failureRate, r.ratioToReference]),
        notes: [
          `Target: the classifier's failure rate under half the mean shape's (ratio < 0.5): ${Math.min(fr[1].ratioToReference, fr[2].ratioToReference, fr[3].ratioToReference) < 0.5 ? 'met' : 'NOT met'} (expected ${fr[1].ratioToReference.toFixed(3)}, MAP ${fr[2].ratioToReference.toFixed(3)}, mode ${fr[3].ratioToReference.toFixed(3)}).`,
        ],
      });
    } finally {
      run.model.dispose();
    }
  }
  return tables;
};

export default bench;
