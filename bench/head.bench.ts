/**
 * head: the training head by backend (issue 13 parts 1 and 4), side by side in one run.
 * 1. Which head `head: 'auto'` gives each backend at K = 1,000 … 140,000 (D = 256, batch 64), and why.
 * 2. On this machine's backend (wasm here): the dense head with its B × K target built on the engine from sparse
 *    indices (`targets: 'device'`, the default) against the previous JavaScript-built target (`'host'`), at the K
 *    where the dense head is chosen (1,000 and DENSE_MAX_K = 5,000): training images/s (64×64, the small net),
 *    pairs alternated, median of XL_HEAD_REPS; the dense head's own step (features fixed, steps alternated, median
 *    of 40), which carries the target: 'device' no slower than 'host'; and the target construction alone.
 * 3. Hard negatives at K = M (exemplars) on synthetic `hard` faces (XL_HEAD_SOURCES=synth-hard,300w adds 300-W): the sampled
 *    head with uniform negatives against hard negatives (the classes just outside tau, nearest neighbours of each
 *    example's nearest class) at about the same rows per step and the same epochs, each with lazy or decayed row
 *    Adam: validation landmark error, accuracy (top-1 = nearest class), multi-label error, and training seconds.
 * XL_HEAD_PARTS=choice,targets,hard (default all); XL_HEAD_N / XL_HEAD_NVAL / XL_HEAD_EPOCHS size part 3
 * (default 1200 / 300 / 20), XL_HEAD_SEED the training seed (default 2). Quick mode: tiny sizes on the same code paths.
 */
import * as tf from '@tensorflow/tfjs';
import * as engine from '../src/engine';
import {
  classTableFor,
  meanShapeBaseline,
  prepareData,
  scoreClassifier,
  type DataSource,
} from '../src/experiments';
import {
  createModel,
  DENSE_ENGINE_MAX_BYTES,
  train,
  type ModelOptions,
  type TrainOptions,
} from '../src/model';
import { batchTargets } from '../src/model/batchTargets';
import { matMulPlain } from '../src/model/matMulPlain';
import { Rng } from '../src/util/rng';
import { randomSamples, randomTable } from './model.bench';
import type { Bench, BenchTable } from './types';
import {
  chooseHead,
  deviceTargets,
  denseHeadBytes,
  DENSE_MAX_K,
  denseLoss,
  targetMatrix,
} from '../src/internal';

const BACKENDS = ['tensorflow', 'webgl', 'webgpu', 'wasm', 'cpu'];

function choiceTable(): BenchTable {
  const rows: Array<Array<string | number>> = [];
  for (const K of [1000, 5000, 20000, 140000]) {
    for (const backend of BACKENDS) {
      const c = chooseHead('bench', {
        backend,
        K,
        D: 256,
        batchSize: 64,
        loss: 'multiLabel',
        head: 'auto',
        denseMaxBytes: DENSE_ENGINE_MAX_BYTES,
      });
      rows.push([K, backend, c.head, c.reason]);
    }
  }
  return {
    title: "head 'auto' by backend (multiLabel, D = 256, batch 64)",
    columns: ['K', 'backend', 'head', 'why'],
    rows,
    notes: [
      `Dense head memory estimate at K = 140,000: ${(denseHeadBytes(140000, 256, 64) / 2 ** 20).toFixed(0)} MiB (W, b, gradients, two Adam moments, six B × K step arrays). softmax / softTarget are dense on every backend.`,
    ],
  };
}

async function trainRate(K: number, n: number, targets: 'device' | 'host'): Promise<number> {
  const table = randomTable(K, K);
  const model = createModel(table, { seed: 1 });
  try {
    const r = await train(model, randomSamples(n, table, 2), {
      epochs: 2, // the first warms up kernels and allocations
      batchSize: 64,
      tau: 0.05,
      head: 'dense',
      targets,
      progress: 'none',
      restoreBest: false,
    });
    return r.history[1].imagesPerSecond;
  } finally {
    model.dispose();
  }
}

/** ms per batch of 64 to build the target tensor, both ways (the values are read back on both, as a step would use them). */
function targetBuildMs(K: number, reps: number): { host: number; device: number } {
  const table = randomTable(Math.min(K, 20000), 3);
  const model = createModel(table, { seed: 1 });
  const samples = randomSamples(64, table, 4);
  const dim = samples[0].landmarks.length;
  const ys = new Float32Array(64 * dim);
  samples.forEach((s, i) => {
    for (let j = 0; j < dim; j += 2) {
      ys[i * dim + j] = (s.landmarks[j] - s.box.x) / s.box.width;
      ys[i * dim + j + 1] = (s.landmarks[j + 1] - s.box.y) / s.box.height;
    }
  });
  const t = batchTargets(model.centerChunks(), ys, 64, 0.3);
  model.dispose();
  // spread the class ids over K (the table above is smaller at K = 140,000)
  const rng = new Rng(5);
  const indices = Int32Array.from(t.membership.indices, (k) => (k * 7 + rng.int(7)) % K);
  for (let i = 0; i < 64; i++) indices.subarray(t.membership.offsets[i], t.membership.offsets[i + 1]).sort();
  const membership = { offsets: t.membership.offsets, indices: dedupe(t.membership.offsets, indices) };
  const nearest = Int32Array.from({ length: 64 }, (_, i) => membership.indices[membership.offsets[i]]);
  const time = (f: () => tf.Tensor): number => {
    f().dispose();
    const ts: number[] = [];
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      const T = f();
      tf.sum(T).dataSync();
      T.dispose();
      ts.push(performance.now() - t0);
    }
    return Math.min(...ts);
  };
  const host = time(() => tf.tensor2d(targetMatrix('multiLabel', K, nearest, membership), [64, K]));
  const device = time(() => deviceTargets('multiLabel', K, nearest, membership));
  return { host, device };
}

/**
 * The dense head's own step (scores, loss, gradients, Adam on W and b; backbone features fixed), ms, with the
 * target built each way; the two alternate step by step so that load changes hit both. Median of `reps` each.
 */
function headStepMs(K: number, reps: number): { host: number; device: number } {
  const D = 256;
  const B = 64;
  const rng = new Rng(K);
  const W = tf.variable(tf.randomNormal([D, K], 0, 0.05, 'float32', 1));
  const b = tf.variable(tf.zeros([K]));
  const f = tf.randomNormal([B, D], 0, 1, 'float32', 2) as tf.Tensor2D;
  const opt = tf.train.adam(1e-3);
  const offsets = new Int32Array(B + 1);
  const lists = Array.from({ length: B }, () => {
    const set = new Set<number>();
    const m = 1 + rng.int(40);
    while (set.size < m) set.add(rng.int(K));
    return [...set].sort((x, y) => x - y);
  });
  lists.forEach((l, i) => (offsets[i + 1] = offsets[i] + l.length));
  const membership = { offsets, indices: Int32Array.from(lists.flat()) };
  const nearest = Int32Array.from(lists.map((l) => l[0]));
  const step = (targets: 'host' | 'device'): number => {
    const t0 = performance.now();
    const T =
      targets === 'device'
        ? deviceTargets('multiLabel', K, nearest, membership)
        : tf.tensor2d(targetMatrix('multiLabel', K, nearest, membership), [B, K]);
    const { value, grads } = tf.variableGrads(
      () => denseLoss('multiLabel', tf.add(matMulPlain(f, W as tf.Tensor2D), b) as tf.Tensor2D, T),
      [W, b],
    );
    value.dataSync();
    opt.applyGradients(grads as unknown as Record<string, tf.Variable>); // tfjs types the map as variables
    tf.dispose([value, T, ...Object.values(grads)]);
    return performance.now() - t0;
  };
  step('host');
  step('device');
  const host: number[] = [];
  const device: number[] = [];
  for (let r = 0; r < reps; r++) {
    if (r % 2 === 0) {
      host.push(step('host'));
      device.push(step('device'));
    } else {
      device.push(step('device'));
      host.push(step('host'));
    }
  }
  tf.dispose([W, b, f]);
  opt.dispose();
  return { host: median(host), device: median(device) };
}

function median(a: number[]): number {
  return [...a].sort((x, y) => x - y)[a.length >> 1];
}

function dedupe(offsets: Int32Array, indices: Int32Array): Int32Array {
  // keeps the CSR offsets valid: a repeated class in a row is replaced by the next free one
  const out = Int32Array.from(indices);
  for (let i = 0; i + 1 < offsets.length; i++) {
    for (let j = offsets[i] + 1; j < offsets[i + 1]; j++) if (out[j] <= out[j - 1]) out[j] = out[j - 1] + 1;
  }
  return out;
}

async function targetsTables(quick: boolean): Promise<BenchTable[]> {
  const reps = Number(process.env.XL_HEAD_REPS ?? (quick ? 1 : 3));
  const n = quick ? 128 : 512;
  const rows: Array<Array<string | number>> = [];
  let met = true;
  for (const K of quick ? [1000] : [1000, DENSE_MAX_K]) {
    const host: number[] = [];
    const device: number[] = [];
    for (let r = 0; r < reps; r++) {
      // alternate the order so that load changes on this shared machine hit both
      if (r % 2 === 0) {
        host.push(await trainRate(K, n, 'host'));
        device.push(await trainRate(K, n, 'device'));
      } else {
        device.push(await trainRate(K, n, 'device'));
        host.push(await trainRate(K, n, 'host'));
      }
    }
    const h = median(host);
    const d = median(device);
    rows.push([
      K,
      h,
      d,
      d / h,
      host.map((v) => v.toFixed(1)).join(' / '),
      device.map((v) => v.toFixed(1)).join(' / '),
    ]);
  }
  const stepRows: Array<Array<string | number>> = [];
  for (const K of quick ? [1000] : [1000, DENSE_MAX_K]) {
    const { host, device } = headStepMs(K, quick ? 4 : 40);
    if (device > 1.03 * host) met = false;
    stepRows.push([K, host, device, host / device]);
  }
  const buildRows: Array<Array<string | number>> = [];
  for (const K of quick ? [1000] : [1000, 5000, 20000, 140000]) {
    const { host, device } = targetBuildMs(K, quick ? 3 : 10);
    buildRows.push([K, host, device, host / device]);
  }
  const backend = tf.getBackend();
  return [
    {
      title: `dense head training on ${backend}: target built on the engine ('device') vs in JavaScript ('host'), images/s`,
      columns: ['K', "'host' img/s", "'device' img/s", 'device / host', 'host runs', 'device runs'],
      rows,
      notes: [
        `64×64 gray, small net, D = 256, batch 64, multiLabel, ${n} images, 2nd epoch, median of ${reps} (pairs alternated). The backbone is most of a step and this machine is shared: these vary by 2× run to run; the head step below isolates the difference.`,
      ],
    },
    {
      title: `dense head step alone on ${backend} (scores, loss, gradients, Adam; features fixed), ms, B = 64, D = 256`,
      columns: ['K', "'host' ms", "'device' ms", 'host / device'],
      rows: stepRows,
      notes: [
        `Median of ${quick ? 4 : 40} steps each, the two alternated step by step. Target: 'device' no slower than 'host' (within 3 %): ${met ? 'met' : 'NOT met'} on this run.`,
      ],
    },
    {
      title: `building the B × K multi-label target on ${backend} (B = 64), ms (min of reps)`,
      columns: ['K', "'host' (JS array + upload)", "'device' (indices + scatterND)", 'host / device'],
      rows: buildRows,
    },
  ];
}

interface HardVariant {
  name: string;
  opts: Partial<TrainOptions>;
}

async function hardTable(source: DataSource, quick: boolean): Promise<BenchTable> {
  const n = Number(process.env.XL_HEAD_N ?? (quick ? 96 : 1200));
  const nVal = Number(process.env.XL_HEAD_NVAL ?? (quick ? 32 : 300));
  const epochs = Number(process.env.XL_HEAD_EPOCHS ?? (quick ? 1 : 20));
  const tau = source === '300w' ? 0.05 : 0.1;
  const seed = Number(process.env.XL_HEAD_SEED ?? 2);
  const data = prepareData({ source, n, nValidation: nVal, seed: 0, size: 32 });
  const table = classTableFor(data, 'M', { tau });
  const model: ModelOptions = { input: { size: 32 }, widths: [16, 32, 64], featureDim: 128, seed: 1 };
  const uniformN = quick ? 32 : 256;
  const hardK = 2;
  const variants: HardVariant[] = [
    { name: `uniform ${uniformN}, lazy Adam`, opts: { negatives: uniformN } },
    {
      name: `hard ${hardK}/example + uniform ${uniformN / 2}, lazy Adam`,
      opts: { negatives: uniformN / 2, hardNegatives: hardK },
    },
    { name: `uniform ${uniformN}, decayed Adam`, opts: { negatives: uniformN, rowAdam: 'decayed' } },
    {
      name: `hard ${hardK}/example + uniform ${uniformN / 2}, decayed Adam`,
      opts: { negatives: uniformN / 2, hardNegatives: hardK, rowAdam: 'decayed' },
    },
  ];
  variants.push({ name: 'dense head (the full loss; reference)', opts: { head: 'dense' } });
  const rows: Array<Array<string | number>> = [];
  const base = meanShapeBaseline(data.trainShapes, data.validation);
  rows.push(['mean shape in the detection box (baseline)', base.mean, NaN, NaN, NaN, 0]);
  for (const v of variants) {
    const m = createModel(table, model);
    try {
      const t0 = performance.now();
      const r = await train(m, data.train, {
        epochs,
        batchSize: 64,
        tau,
        learningRate: 0.005,
        head: 'sampled',
        progress: 'none',
        seed,
        ...v.opts,
      });
      const seconds = (performance.now() - t0) / 1000;
      const s = scoreClassifier(m, data.validation, { tau });
      rows.push([
        v.name,
        s.landmarkError,
        s.classificationAccuracy,
        s.multiLabelError,
        r.history.at(-1)?.loss ?? NaN,
        seconds,
      ]);
    } finally {
      m.dispose();
    }
  }
  return {
    title: `hard vs uniform negatives, sampled head at K = M = ${table.K} (${source}, 32×32, D = 128, ${epochs} epochs, tau ${tau})`,
    columns: ['negatives', 'landmark error', 'accuracy', 'multi-label error', 'last train loss', 'train s'],
    rows,
    notes: [
      `${data.train.length} training / ${data.validation.length} validation faces; batch 64, lr 0.005, seed ${seed}. Hard: the ${hardK} nearest classes of each example's nearest class (union over the batch, ≤ ${64 * hardK} rows), weight 1; uniform draws from the rest, weight (K − |H|) / n: both estimators unbiased for the loss and its gradient; the train loss column is that estimate.`,
      'Accuracy = top-1 class is the nearest class; multi-label error = top-1 outside M_i (tau above). Equal epochs and about equal rows per step; train s says whether the time was equal too.',
    ],
  };
}

const bench: Bench = async ({ quick }) => {
  await engine.init();
  const parts = (process.env.XL_HEAD_PARTS ?? 'choice,targets,hard').split(',');
  const out: BenchTable[] = [];
  if (parts.includes('choice')) out.push(choiceTable());
  if (parts.includes('targets')) out.push(...(await targetsTables(quick)));
  if (parts.includes('hard')) {
    const sources = (process.env.XL_HEAD_SOURCES ?? 'synth-hard').split(',') as DataSource[];
    for (const source of sources) out.push(await hardTable(source, quick));
  }
  return out;
};

export default bench;
