/**
 * refine-speed: what the refined prediction costs against the classifier alone (issue 11's time target: classifier +
 * refiner + cascade at most 2× the classifier's own time per face), all side by side in one run, with the cascade's
 * parts and the old (pre-speed, test/refineReference.ts) kernels beside the new ones. Needs no data: a pipeline with
 * the 300-W runs' architecture (`refine.PIPELINE_CLASSIFIER`, refiner, 7-stage cascade with 4 clusters) is trained
 * for 1 epoch on synthetic RGB faces of 256 px (landmark boxes ~100-115 px, like the 300-W crops'); timing does not
 * depend on the weights. Every row is the median over repeats of the mean over the same test faces; the measures
 * are interleaved within each repeat so the machine's load hits them alike.
 * Quick mode: 120 training faces, 10 test faces, 2 repeats.
 */
import * as tf from '@tensorflow/tfjs';
import * as engine from '../src/engine';
import { faces } from '../src/data/synth/faces';
import { predict, predictBatch } from '../src/model/predict';
import {
  cascadeApply,
  cascadeApplyBatch,
  cascadeFrame,
  hogDescriptors,
  landmarksInBoxes,
  PIPELINE_CLASSIFIER,
  ridgeApply,
  trainLandmarkPipeline,
  type FaceLandmarksOptions,
  type LandmarkPipeline,
} from '../src/refine';
import { shapeToBox } from '../src/landmarks/box';
import { FrameBuffers, grayFrameInto } from '../src/refine/frameKernel';
import { ridgeApplyInto } from '../src/refine/ridge';
import type { Box, Raster } from '../src/types';
import {
  cascadeApplyReference,
  cascadeFrameReference,
  hogDescriptorsReference,
  ridgeApplyReference,
} from '../test/refineReference';
import type { Bench, BenchTable } from './types';

interface Face {
  image: Raster;
  box: Box;
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : 0.5 * (s[h - 1] + s[h]);
}

/** Descriptor points of a shape (pixels) in the frame of `box`, as the cascade computes them. */
function framePoints(shape: Float32Array, box: Box, size: number, margin: number): Float32Array {
  const k = size / (1 + 2 * margin);
  return Float32Array.from(shapeToBox(shape, box), (v) => (v + margin) * k - 0.5);
}

const bench: Bench = async ({ quick }) => {
  const info = await engine.init();
  const nTrain = quick ? 120 : 300;
  const nTest = quick ? 10 : 40;
  const repeats = quick ? 2 : 7;
  const t0 = performance.now();
  const train = [...faces({ n: nTrain, seed: 31, size: 256, channels: 3 })];
  const test: Face[] = [...faces({ n: nTest, seed: 32, size: 256, channels: 3 })].map((s) => ({
    image: s.image,
    box: s.detection ?? s.box,
  }));
  const tData = performance.now();
  const { pipeline } = await trainLandmarkPipeline({
    train,
    classifier: { ...PIPELINE_CLASSIFIER, epochs: 1 },
    cascade: { stages: 7, minExamples: Math.min(300, nTrain) },
  });
  const tTrain = performance.now();
  const { model } = pipeline;
  const cascade = pipeline.cascade as NonNullable<LandmarkPipeline['cascade']>;
  const { size, margin } = cascade.frame;
  const before = tf.memory().numTensors;

  // inputs of the cascade parts: each test face's classifier shape and its regressor set's first stage
  const preds = predictBatch(model, test, { topK: 1 });
  const starts = preds.map((p) => p.expectedShape);
  const tops = preds.map((p) => p.topK[0].index);
  const setOf = (i: number) => cascade.clusters[cascade.clusterOfClass[tops[i]]] ?? cascade.global;
  const frames = test.map((f) => cascadeFrame(f.image, f.box, size, margin));
  const points = test.map((f, i) => framePoints(starts[i], f.box, size, margin));
  const descriptors = test.map((_, i) => hogDescriptors(frames[i], points[i], cascade.hog));
  const packed = new Float32Array(descriptors.length * descriptors[0].length);
  descriptors.forEach((d, i) => packed.set(d, i * d.length));
  const frameBuffers = new FrameBuffers();
  const step = new Float32Array(cascade.global[0].outputDim);
  const steps = new Float32Array(test.length * cascade.global[0].outputDim);
  const cascadeItems = test.map((f, i) => ({ ...f, start: starts[i], topClass: tops[i] }));

  type Run = () => void;
  /** ms per face of one pass over the test faces: one at a time, or in one call. */
  const perFace =
    (one: (i: number) => void): Run =>
    () =>
      test.forEach((_, i) => one(i));
  const pipe = (o: FaceLandmarksOptions): [Run, Run] => [
    perFace((i) => landmarksInBoxes(pipeline, [test[i]], o)),
    () => landmarksInBoxes(pipeline, test, o),
  ];
  const measures: Array<{ name: string; one?: Run; batch?: Run; ratio: boolean }> = [
    {
      name: 'classifier alone (predict / predictBatch)',
      one: perFace((i) => predict(model, test[i].image, test[i].box)),
      batch: () => predictBatch(model, test),
      ratio: true,
    },
  ];
  for (const stages of [7, 3]) {
    const [one2, batch2] = pipe({ cascadeStages: stages });
    measures.push({ name: `pipeline two-pass, ${stages} stages`, one: one2, batch: batch2, ratio: true });
    const [one1, batch1] = pipe({ cascadeStages: stages, reclassify: false });
    measures.push({
      name: `pipeline one-pass (reclassify: false), ${stages} stages`,
      one: one1,
      batch: batch1,
      ratio: true,
    });
  }
  const [noc2, nocb2] = pipe({ cascade: false });
  measures.push({
    name: 'pipeline two-pass, no cascade (refiner + classifier passes)',
    one: noc2,
    batch: nocb2,
    ratio: true,
  });
  const [noc1, nocb1] = pipe({ cascade: false, reclassify: false });
  measures.push({ name: 'pipeline one-pass, no cascade', one: noc1, batch: nocb1, ratio: true });
  measures.push(
    {
      name: 'cascade alone, 7 stages (cascadeApply / cascadeApplyBatch)',
      one: perFace((i) => cascadeApply(cascade, test[i].image, test[i].box, starts[i], tops[i])),
      batch: () => cascadeApplyBatch(cascade, cascadeItems),
      ratio: true,
    },
    {
      name: 'cascade alone, 7 stages: old kernels',
      one: perFace((i) => cascadeApplyReference(cascade, test[i].image, test[i].box, starts[i], tops[i])),
      ratio: true,
    },
    {
      name: 'part: frame (crop + gradients)',
      one: perFace((i) => cascadeFrame(test[i].image, test[i].box, size, margin)),
      ratio: false,
    },
    {
      name: 'part: frame, new in JavaScript only (no WebAssembly; the crop without the gradients)',
      one: perFace((i) => grayFrameInto(test[i].image, test[i].box, size, margin, frameBuffers, 'js')),
      ratio: false,
    },
    {
      name: 'part: frame, old',
      one: perFace((i) => cascadeFrameReference(test[i].image, test[i].box, size, margin)),
      ratio: false,
    },
    {
      name: 'part: descriptors of 68 points (one stage)',
      one: perFace((i) => hogDescriptors(frames[i], points[i], cascade.hog)),
      ratio: false,
    },
    {
      name: 'part: descriptors, old',
      one: perFace((i) => hogDescriptorsReference(frames[i], points[i], cascade.hog)),
      ratio: false,
    },
    {
      name: 'part: descriptors, new in JavaScript only (no WebAssembly)',
      one: perFace((i) => hogDescriptors(frames[i], points[i], cascade.hog, undefined, 0, 'js')),
      ratio: false,
    },
    {
      name: `part: product ${cascade.global[0].inputDim} × ${cascade.global[0].outputDim} (one stage; batch: all rows in one call)`,
      one: perFace((i) => ridgeApplyInto(setOf(i)[0], descriptors[i], 1, step)),
      batch: () => ridgeApplyInto(cascade.global[0], packed, test.length, steps),
      ratio: false,
    },
    {
      name: 'part: product, old',
      one: perFace((i) => ridgeApplyReference(setOf(i)[0], descriptors[i])),
      ratio: false,
    },
    {
      name: 'part: product, new in JavaScript only (no WebAssembly)',
      one: perFace((i) => ridgeApplyInto(setOf(i)[0], descriptors[i], 1, step, 'js')),
      ratio: false,
    },
    {
      name: 'part: product of 40 rows on the engine (tfjs matMul, ridgeApply)',
      batch: () => ridgeApply(cascade.global[0], packed),
      ratio: false,
    },
  );
  // warm-up, then interleaved repeats
  for (const m of measures) {
    m.one?.();
    m.batch?.();
  }
  const times = measures.map(() => ({ one: [] as number[], batch: [] as number[] }));
  for (let r = 0; r < repeats; r++) {
    measures.forEach((m, k) => {
      if (m.one) {
        const t = performance.now();
        m.one();
        times[k].one.push((performance.now() - t) / test.length);
      }
      if (m.batch) {
        const t = performance.now();
        m.batch();
        times[k].batch.push((performance.now() - t) / test.length);
      }
    });
  }
  const leaked = tf.memory().numTensors - before;
  const med = times.map((t) => ({
    one: t.one.length ? median(t.one) : NaN,
    batch: t.batch.length ? median(t.batch) : NaN,
  }));
  const rows: BenchTable['rows'] = measures.map((m, k) => [
    m.name,
    Number.isFinite(med[k].one) ? med[k].one : '',
    Number.isFinite(med[k].batch) ? med[k].batch : '',
    m.ratio ? med[k].one / med[0].one : '',
    m.ratio && m.batch ? med[k].batch / med[0].batch : '',
  ]);
  const at = (name: string): { one: number; batch: number } =>
    med[measures.findIndex((m) => m.name.startsWith(name))];
  const oneP = at('pipeline one-pass (reclassify: false), 7');
  const twoP = at('pipeline two-pass, 7');
  const cls = med[0];
  pipeline.model.dispose();
  return [
    {
      title: `refine-speed: ms per face, classifier vs refined prediction (${nTest} synthetic 256-px RGB faces, median of ${repeats})`,
      columns: [
        'measure',
        'one face at a time',
        `batch of ${nTest}`,
        'ratio to classifier (one)',
        `ratio (batch)`,
      ],
      rows,
      notes: [
        `Backend ${info.backend}; pipeline as refine.PIPELINE_CLASSIFIER (K = ${pipeline.model.K}, ${pipeline.model.config.input.size}×${pipeline.model.config.input.size} gray net), refiner, cascade of ${cascade.global.length} stages × ${cascade.clusters.length} clusters (frame ${size} px, HOG ${cascade.hog.cells}×${cascade.hog.cells} cells × ${cascade.hog.bins} bins); trained for 1 epoch on ${nTrain} faces (data ${((tData - t0) / 1000).toFixed(0)} s, training ${((tTrain - tData) / 1000).toFixed(0)} s). Tensors left after the timings: ${leaked}.`,
        `Target (issue 11): refined prediction ≤ 2× the classifier per face. Two-pass, 7 stages: ${(twoP.one / cls.one).toFixed(2)}× one at a time, ${(twoP.batch / cls.batch).toFixed(2)}× in a batch; one-pass, 7 stages: ${(oneP.one / cls.one).toFixed(2)}× / ${(oneP.batch / cls.batch).toFixed(2)}×.`,
        'Old rows: the pre-speed kernels kept in test/refineReference.ts (same outputs within 1e-5, test/refine-kernels.test.ts).',
      ],
    },
  ];
};

export default bench;
