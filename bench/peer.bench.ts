/**
 * A peer side by side (issue 11 part 5): face-api's `faceLandmark68Net` (`detect.peerLandmarks68`) and our exemplar
 * classifier on the same 300-W validation faces (photo-disjoint split of ../shared/data/300w-train) with the same
 * boxes, scored with the same protocol (evaluate.evaluateProtocol), with the time per face of each.
 *
 * Boxes: (a) the simulated detection our classifier is trained on (the ground-truth box jittered by 5 % in centre
 * and scale, `experiments.prepareData`); (b) face-api's Tiny Face Detector run on each crop (faces it misses are left
 * out of (b) and counted). Ours: see bench/w300Classifier.ts (trained here, or loaded from XL_PEER_MODEL).
 */
import * as fs from 'node:fs';
import * as engine from '../src/engine';
import { detectFaces, load, matchDetection, peerLandmarks68 } from '../src/data/detect';
import { evaluateProtocol, type ProtocolRow } from '../src/evaluate';
import { DEFAULT_W300_PATH } from '../src/experiments';
import { predictBatch, referenceBox, type ExemplarModel } from '../src/model';
import { w300Classifier } from './w300Classifier';
import type { Box, Sample } from '../src/types';
import type { Bench, BenchTable } from './types';

function pack(shapes: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(shapes.length * shapes[0].length);
  shapes.forEach((s, i) => out.set(s, i * s.length));
  return out;
}

/** Median of per-face times (the machine is shared: the median is steadier than the mean). */
function median(ms: number[]): number {
  const v = ms.slice().sort((x, y) => x - y);
  return v.length % 2 ? v[v.length >> 1] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}

/** Our expected shapes one face at a time (what a user calls per face) and the median ms per face. */
function runOurs(
  model: ExemplarModel,
  faces: readonly Sample[],
  boxes: readonly Box[],
): { shapes: Float32Array; ms: number } {
  // warm-up (compiles the net, uploads the head, lets the engine settle)
  for (let i = 0; i < Math.min(5, faces.length); i++)
    predictBatch(model, [{ image: faces[i].image, box: boxes[i] }], { topK: 1 });
  const times: number[] = [];
  const out: Float32Array[] = [];
  faces.forEach((s, i) => {
    const t0 = performance.now();
    out.push(predictBatch(model, [{ image: s.image, box: boxes[i] }], { topK: 1 })[0].expectedShape);
    times.push(performance.now() - t0);
  });
  return { shapes: pack(out), ms: median(times) };
}

async function runPeer(
  faces: readonly Sample[],
  boxes: readonly Box[],
): Promise<{ shapes: Float32Array; ms: number }> {
  for (let i = 0; i < Math.min(5, faces.length); i++) await peerLandmarks68(faces[i].image, [boxes[i]]); // warm-up
  const times: number[] = [];
  const out: Float32Array[] = [];
  for (let i = 0; i < faces.length; i++) {
    const t0 = performance.now();
    out.push((await peerLandmarks68(faces[i].image, [boxes[i]]))[0]);
    times.push(performance.now() - t0);
  }
  return { shapes: pack(out), ms: median(times) };
}

const pick = (
  rows: ProtocolRow[],
  method: string,
  subset: string,
  normalization: string,
  points: string,
): ProtocolRow =>
  rows.find(
    (r) =>
      r.method === method && r.subset === subset && r.normalization === normalization && r.points === points,
  ) as ProtocolRow;

const bench: Bench = async ({ quick }) => {
  if (!fs.existsSync(DEFAULT_W300_PATH)) {
    return [{ title: 'peer: skipped', columns: ['reason'], rows: [[`${DEFAULT_W300_PATH} absent`]] }];
  }
  await engine.init();
  const { data, model, how, seed } = await w300Classifier(quick);
  const val = data.validation;
  await load('faceLandmark68Net');
  await load('tinyFaceDetector');

  // box (b): face-api's Tiny detector on each crop, matched to the annotated face
  const t0 = performance.now();
  const det: Array<Box | undefined> = [];
  for (const s of val)
    det.push(
      matchDetection(
        await detectFaces(s.image, { model: 'tinyFaceDetector', inputSize: 256, minConfidence: 0.3 }),
        s.box,
      ),
    );
  const detMs = (performance.now() - t0) / val.length; // mean
  const found = val.map((_, i) => i).filter((i) => det[i] !== undefined);

  const tables: BenchTable[] = [];
  const rows: Array<Array<string | number>> = [];
  const notes: string[] = [];
  const boxSets: Array<[string, number[], Box[]]> = [
    ['simulated detection (GT box ±5 %)', val.map((_, i) => i), val.map((s) => referenceBox(s))],
    ['face-api Tiny detector', found, found.map((i) => det[i] as Box)],
  ];
  for (const [boxName, idx, boxes] of boxSets) {
    if (idx.length === 0) continue;
    const faces = idx.map((i) => val[i]);
    const a = runOurs(model, faces, boxes);
    const b = await runPeer(faces, boxes);
    const gt = pack(faces.map((s) => s.landmarks));
    const r = evaluateProtocol(gt, 68, { ours: a.shapes, 'face-api faceLandmark68Net': b.shapes });
    for (const [method, ms] of [
      ['ours', a.ms],
      ['face-api faceLandmark68Net', b.ms],
    ] as const) {
      const io = pick(r.rows, method, 'all', 'inter-ocular', 'all');
      rows.push([
        method,
        boxName,
        String(io.n),
        pick(r.rows, method, 'all', 'bbox-diagonal', 'all').mean,
        io.mean,
        pick(r.rows, method, 'all', 'inter-ocular', 'inner').mean,
        io.auc,
        io.failureRate,
        pick(r.rows, method, 'hard', 'inter-ocular', 'all').mean,
        ms,
      ]);
    }
  }
  notes.push(
    `Validation: ${val.length} faces of the 300-W training crops (split by photo, seed ${seed}); ours: ${how} (K = ${model.K}, 32×32 gray net, D = 128, multi-label, tau 0.05).`,
    `The Tiny detector (input 256, min confidence 0.3) found ${found.length} of ${val.length} faces (${detMs.toFixed(1)} ms per crop on average, not in the columns).`,
    'ms/face: median over the faces of one call per face, after five warm-up calls (ours: predictBatch of one face, crop + net + head + expected shape; face-api: crop upload + net).',
    'AUC and failure rate at 0.08 of the error / outer-eye-corner distance (68 points); hard = the 10 % of faces farthest from the mean shape.',
  );
  tables.push({
    title: 'peer: face-api faceLandmark68Net and ours on the same 300-W validation faces and boxes',
    columns: [
      'method',
      'box',
      'faces',
      'mean / box diag',
      'mean / outer-eye (68)',
      'mean / outer-eye (49)',
      'AUC@0.08 (eye, 68)',
      'failure > 0.08 (eye, 68)',
      'hard 10 % mean / eye',
      'ms/face',
    ],
    rows,
    notes,
  });
  model.dispose();
  return tables;
};

export default bench;
