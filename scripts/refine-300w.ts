/**
 * Real faces end to end: trains classes + classifier, the box refiner and the cascade on the 300-W crops
 * (../shared/data/300w-train, split by photo), then scores every stage on the held-out photos with the landmarks'
 * box, drifted boxes (centre ±20 %, scale ±30 %) and face-api's Tiny and SSD detectors, beside face-api's
 * faceLandmark68Net on the same boxes, and reports the wall time of each part.
 *
 *   npx tsx scripts/refine-detections.ts tinyFaceDetector train        # detector boxes, cached (once)
 *   npx tsx scripts/refine-detections.ts tinyFaceDetector validation
 *   npx tsx scripts/refine-detections.ts ssdMobilenetv1 validation
 *   npx tsx scripts/refine-300w.ts                                      # writes out/refine-300w/results.json
 *
 * Env: XL_REFINE_N (training faces, default all), XL_REFINE_EPOCHS (12), XL_REFINE_K (100; M: exemplars), XL_REFINE_CLUSTERS (4),
 * XL_REFINE_FLIP (1: append mirror images), XL_REFINE_STAGES (5), XL_REFINE_LAMBDA (cascade ridge penalty, 2), XL_REFINE_DETECT (training faces given Tiny boxes for the refiner, 600), XL_REFINE_INPUT (net input side, 64), XL_REFINE_JITTER (narrow: the classifier trains in the landmarks' box jittered by 5 % instead of Tiny-like boxes), XL_REFINE_ONEPASS (1: refiner on detector-like boxes, cascade on the one-pass path; 0: the two-pass recipe), XL_REFINE_OUT (out/refine-300w), XL_REFINE_SYNTH (synthetic faces mixed in, 0), XL_QUICK=1 (300 faces, 3 epochs, 3 stages). Detector boxes missing from the cache are
 * detected here (slow: 0.2 s per face for Tiny, 0.7 s for SSD on one wasm thread).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as xl from '../src/index';
import { boxesWithMirrors, cacheFile, SPLIT, TINY_INPUT } from './refine-detections';

const env = (name: string, fallback: number): number =>
  process.env[name] !== undefined ? Number(process.env[name]) : fallback;

function materialise(ds: xl.datasets.Dataset): xl.Sample[] {
  const out: xl.Sample[] = [];
  for (const s of ds) out.push(s);
  return out;
}

async function detections(
  samples: xl.Sample[],
  model: 'tinyFaceDetector' | 'ssdMobilenetv1',
  split: 'train' | 'validation',
): Promise<Array<xl.Box | undefined>> {
  const file = cacheFile(model, split);
  const cached: Record<string, xl.Box | null> = fs.existsSync(file)
    ? JSON.parse(fs.readFileSync(file, 'utf8'))
    : {};
  const missing = samples.filter((s) => !(s.id in cached));
  if (missing.length > 0) {
    console.log(`detecting ${missing.length} ${split} faces with ${model} …`);
    const boxes = await xl.detect.detectDataset(xl.datasets.fromSamples(missing), {
      model,
      inputSize: TINY_INPUT,
    });
    missing.forEach((s, i) => (cached[s.id] = boxes[i] ?? null));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    xl.io.writeFileAtomic(file, JSON.stringify(cached));
  }
  return samples.map((s) => cached[s.id] ?? undefined);
}

export async function main(): Promise<void> {
  const t0 = performance.now();
  const clock = (): string => `${((performance.now() - t0) / 1000).toFixed(0)} s`;
  const quick = xl.isQuick();
  const info = await xl.engine.init();
  const root = process.env.XL_W300 ?? xl.experiments.DEFAULT_W300_PATH;
  const n = env('XL_REFINE_N', quick ? 300 : 1e9);
  const epochs = env('XL_REFINE_EPOCHS', quick ? 3 : 12);
  // XL_REFINE_K=M: one exemplar class per training face (the paper's setting)
  const Kwanted = process.env.XL_REFINE_K === 'M' ? Infinity : env('XL_REFINE_K', 100);
  const clusters = env('XL_REFINE_CLUSTERS', 4);
  const stages = env('XL_REFINE_STAGES', quick ? 3 : (xl.refine.PIPELINE_CASCADE.stages ?? 5));
  const lambda = env('XL_REFINE_LAMBDA', 2);
  let trainDs = xl.datasets.w300Train(root, { ...SPLIT, split: 'train' });
  if (n < trainDs.size) trainDs = xl.datasets.subset(trainDs, { n, seed: 1 });
  // flip augmentation (mirror images, relabelled points) doubles the training faces; the classifier trains in
  // simulated detections (the landmarks' box jittered by 5 %), as experiments.prepareData
  const flip = env('XL_REFINE_FLIP', 1) === 1;
  const originals = trainDs.size;
  if (flip) trainDs = xl.datasets.flipAugment(trainDs, { mode: 'append' });
  // the classifier trains in boxes like face-api Tiny's (refine.PIPELINE_BOXES), the boxes of the one-pass path;
  // XL_REFINE_JITTER=narrow: the landmarks' box jittered by 5 % (the earlier runs)
  const tinyLike = process.env.XL_REFINE_JITTER !== 'narrow';
  const jitter = tinyLike ? xl.refine.PIPELINE_BOXES : undefined;
  // XL_REFINE_SYNTH=n: n synthetic faces mixed into the training set (300-W-like preset, poses uniform as 300W-LP
  // augments them, the jaw on the visible contour as 300-W annotates it), in the same simulated detections
  const nSynth = env('XL_REFINE_SYNTH', 0);
  if (nSynth > 0) {
    const synthDs = xl.datasets.fromSamples([
      ...xl.synth.faces({ n: nSynth, seed: 11, size: 160, pose: 'uniform', jaw: 'contour' }),
    ]);
    trainDs = xl.datasets.concat(trainDs, synthDs);
  }
  const train = materialise(xl.datasets.withDetections(trainDs, { seed: 1, jitter }));
  const inputSize = env('XL_REFINE_INPUT', xl.refine.PIPELINE_CLASSIFIER.input?.size ?? 64);
  const onePassRun = env('XL_REFINE_ONEPASS', 1) === 1;
  let valDs = xl.datasets.w300Train(root, { ...SPLIT, split: 'validation' });
  if (quick) valDs = xl.datasets.subset(valDs, { n: 60, seed: 1 });
  const val = materialise(valDs);
  const K: number | 'M' = Kwanted === Infinity ? 'M' : Math.min(Kwanted, train.length);
  console.log(
    `${info.backend}: ${train.length} training / ${val.length} validation faces (split by photo) [${clock()}]`,
  );

  // the refiner learns the detector's convention from the Tiny boxes of (at most XL_REFINE_DETECT) training faces
  // (a mirrored face's box is the mirror of its original's)
  const nDetect = Math.min(originals, env('XL_REFINE_DETECT', quick ? 100 : 600));
  const found = await detections(train.slice(0, nDetect), 'tinyFaceDetector', 'train');
  const byId = new Map(train.slice(0, nDetect).map((s, i) => [s.id, found[i]]));
  const tinyTrain = boxesWithMirrors(train, byId);
  const tinyVal = await detections(val, 'tinyFaceDetector', 'validation');
  const ssdVal = await detections(val, 'ssdMobilenetv1', 'validation');
  console.log(`detections ready [${clock()}]`);

  const { pipeline, seconds, classifierResult } = await xl.refine.trainLandmarkPipeline({
    train,
    classifier: {
      ...xl.refine.PIPELINE_CLASSIFIER,
      input: { ...xl.refine.PIPELINE_CLASSIFIER.input, size: inputSize },
      K,
      epochs,
    },
    // XL_REFINE_ONEPASS=1: the refiner learns from detector-like boxes only (the real Tiny boxes, else the simulated
    // Tiny-like detection) and the cascade trains on the one-pass path's output
    refiner: onePassRun
      ? {
          detections: tinyTrain.map((b, i) => b ?? train[i].detection),
          perFace: 0,
          perDetection: 4,
          iterations: 1,
          seed: 1,
        }
      : { detections: tinyTrain, seed: 1 },
    onePass: onePassRun,
    cascade: { ...xl.refine.PIPELINE_CASCADE, stages, clusters, lambda },
    onPart: (part, s) => console.log(`trained ${part} in ${s.toFixed(0)} s [${clock()}]`),
  });
  console.log(
    `cascade training error by stage: ${pipeline.cascade?.trainErrors.map((e) => e.toFixed(4)).join(' ')}`,
  );
  console.log(
    `cascade faces per cluster: ${pipeline.cascade?.clusterExamples.join(', ')} (null sets use the global: ${pipeline.cascade?.clusters.map((c) => (c ? 'own' : 'global')).join(', ')})`,
  );

  const rng = new xl.Rng(7);
  const drift = val.map((s) => xl.refine.boxJitter(s.box, rng, { centre: 0.2, scale: 0.3 }));
  const evals = await xl.refine.evaluatePipeline(
    pipeline,
    val,
    {
      'landmarks box': val.map((s) => s.box),
      'drift ±20 % / ±30 %': drift,
      'face-api Tiny': tinyVal,
      'face-api SSD': ssdVal,
    },
    { peer: true, timedFaces: quick ? 10 : 40 },
  );
  // a refiner for the Tiny detector alone: trained on its boxes (and small jitters of them) only, so its convention
  // is the whole of what it learns; the shared refiner above also covers drifted boxes
  const t = performance.now();
  const tinyRefiner = xl.refine.trainBoxRefiner(pipeline.model, train, {
    detections: tinyTrain,
    perFace: 0,
    perDetection: 8,
    iterations: 1,
    seed: 2,
  });
  console.log(`trained the Tiny-only refiner in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  const fast = { ...pipeline, refiner: tinyRefiner };
  const items = val.flatMap((s, i) => (tinyVal[i] ? [{ image: s.image, box: tinyVal[i] as xl.Box }] : []));
  for (const k of [2, 3]) {
    xl.refine.landmarksInBoxes(fast, items.slice(0, 1), { cascadeStages: k });
    const t1 = performance.now();
    for (const it of items.slice(0, 40)) xl.refine.landmarksInBoxes(fast, [it], { cascadeStages: k });
    console.log(
      `Tiny-trained refiner + ${k} cascade stages: ${((performance.now() - t1) / Math.min(40, items.length)).toFixed(1)} ms per face`,
    );
  }
  evals.push(
    ...(await xl.refine.evaluatePipeline(
      { ...pipeline, refiner: { ...tinyRefiner, iterations: 2 } },
      val,
      { 'face-api Tiny, Tiny-trained refiner ×2': tinyVal },
      { peer: false, timedFaces: quick ? 10 : 40 },
    )),
  );
  evals.push(
    ...(await xl.refine.evaluatePipeline(
      { ...pipeline, refiner: tinyRefiner },
      val,
      { 'face-api Tiny, Tiny-trained refiner': tinyVal },
      { peer: false, timedFaces: quick ? 10 : 40 },
    )),
  );
  console.log(`evaluated [${clock()}]`);
  const lines: string[] = [];
  lines.push(
    '| boxes | faces | method | mean / outer-eye | failure (> 0.08) | AUC@0.08 | mean / box diagonal |',
  );
  lines.push('| --- | --- | --- | --- | --- | --- | --- |');
  for (const e of evals) {
    for (const method of e.result.methods) {
      const io = e.result.rows.find(
        (r) => r.method === method && r.normalization === 'inter-ocular' && r.points === 'all',
      );
      const bd = e.result.rows.find(
        (r) => r.method === method && r.normalization === 'bbox-diagonal' && r.points === 'all',
      );
      if (!io || !bd) continue;
      lines.push(
        `| ${e.boxes} | ${e.faces}/${e.total} | ${method} | ${io.mean.toFixed(4)} | ${io.failureRate.toFixed(3)} | ${io.auc.toFixed(3)} | ${bd.mean.toFixed(4)} |`,
      );
    }
  }
  lines.push('');
  lines.push(
    '| boxes | classifier ms/face | pipeline ms/face | ratio | one-pass pipeline ms/face | ratio | faceLandmark68Net ms/face |',
  );
  lines.push('| --- | --- | --- | --- | --- | --- | --- |');
  for (const e of evals) {
    const m = e.msPerFace;
    const one = m['pipeline one pass'];
    lines.push(
      `| ${e.boxes} | ${m.classifier?.toFixed(1)} | ${m.pipeline?.toFixed(1)} | ${(m.pipeline / m.classifier).toFixed(2)} | ${one?.toFixed(1)} | ${(one / m.classifier).toFixed(2)} | ${m.faceLandmark68Net?.toFixed(1)} |`,
    );
  }
  console.log(lines.join('\n'));
  const total = (performance.now() - t0) / 1000;
  console.log(
    `wall time: classifier ${seconds.classifier.toFixed(0)} s (${classifierResult.history.length} epochs), refiner ${seconds.refiner.toFixed(0)} s, cascade ${seconds.cascade.toFixed(0)} s, whole script ${total.toFixed(0)} s`,
  );
  const dir = process.env.XL_REFINE_OUT ?? path.join('out', 'refine-300w');
  fs.mkdirSync(dir, { recursive: true });
  xl.io.writeFileAtomic(
    path.join(dir, 'results.json'),
    JSON.stringify(
      {
        settings: {
          n: train.length,
          validation: val.length,
          epochs,
          K,
          clusters,
          stages,
          quick,
          inputSize,
          jitter: tinyLike ? 'tiny' : 'default',
          onePass: onePassRun,
          backend: info.backend,
        },
        seconds: { ...seconds, total },
        cascadeTrainErrors: pipeline.cascade?.trainErrors,
        evaluations: evals.map((e) => ({
          boxes: e.boxes,
          faces: e.faces,
          total: e.total,
          rows: e.result.rows,
          msPerFace: e.msPerFace,
          errors: Object.fromEntries(
            Object.entries(e.result.errors).map(([m, r]) => [m, Array.from(r['inter-ocular/all'])]),
          ),
        })),
        table: lines.join('\n'),
      },
      null,
      1,
    ),
  );
  xl.refine.savePipeline(pipeline, path.join(dir, 'pipeline'));
  // the two-pass recipe's photo pipeline: the Tiny-trained refiner (what faceLandmarks feeds it: Tiny boxes); the
  // one-pass pipeline's own refiner already learnt from detector boxes only
  if (!onePassRun) xl.refine.savePipeline(fast, path.join(dir, 'pipeline-tiny'));
  pipeline.model.dispose();
}

if (require.main === module) void main();
