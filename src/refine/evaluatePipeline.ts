/**
 * The pipeline scored stage by stage on annotated faces, for each source of boxes (the landmarks' box, drifted boxes,
 * real detectors): the classifier in the given box, in the refined box, then after each cascade stage, optionally with
 * face-api's faceLandmark68Net on the same boxes; per-face errors through `evaluate.evaluateProtocol` (outer-eye and
 * box-diagonal normalisations) and the time per face of each path.
 */
import { ShapeError, ValueError } from '../errors';
import { peerLandmarks68 } from '../data/detect/peerLandmarks68';
import {
  evaluateProtocol,
  type EvaluateProtocolOptions,
  type ProtocolResult,
} from '../evaluate/evaluateProtocol';
import { predict } from '../model/predict';
import type { Box, Sample } from '../types';
import { packRows } from '../util/packRows';
import { describe } from '../util/validate';
import { assertSamples } from './boxRefiner';
import { type LandmarkPipeline, landmarksInBoxes } from './pipeline';

/** Options of {@link evaluatePipeline}. */
export interface EvaluatePipelineOptions {
  /** Also run face-api's faceLandmark68Net on the same boxes (method 'faceLandmark68Net'). @default false */
  peer?: boolean;
  /** Faces timed one at a time per path (0: no timing). @default 20 */
  timedFaces?: number;
  /** Protocol options (normalisations, point sets, hard subset). @default { hardFraction: 0 } */
  protocol?: EvaluateProtocolOptions;
}

/** One source of boxes, scored. */
export interface PipelineEvaluation {
  /** Box source name. */
  boxes: string;
  /** Faces with a box (a detector's misses are left out) and in all. */
  faces: number;
  total: number;
  /** Indices (into the samples) of the faces scored. */
  indices: number[];
  /**
   * Methods in order: 'classifier' (in the given box), 'refined' (classified again in the refined box), 'cascade 1' …
   * 'cascade S' (after that two-pass start), with a refiner and a cascade 'one pass: + cascade' (reclassify: false: the
   * cascade from the classifier's shape in the given box), then the peer.
   */
  result: ProtocolResult;
  /**
   * Milliseconds per face, one face at a time: 'classifier' (predict alone), 'pipeline' (refine + classify + cascade),
   * 'pipeline one pass' (reclassify: false), the peer.
   */
  msPerFace: Record<string, number>;
}

/**
 * Scores the pipeline on `samples` with each named list of boxes (one box or undefined per sample).
 * @example const [r] = await refine.evaluatePipeline(pipeline, val, { tiny: tinyBoxes }, { peer: true })
 */
export async function evaluatePipeline(
  pipeline: LandmarkPipeline,
  samples: Sample[],
  boxSets: Record<string, ReadonlyArray<Box | undefined>>,
  opts: EvaluatePipelineOptions = {},
): Promise<PipelineEvaluation[]> {
  const fn = 'evaluatePipeline';
  const nPoints = pipeline?.model?.config?.nPoints;
  if (typeof nPoints !== 'number') {
    throw new ValueError(
      `${fn}: argument 'pipeline' expected { model, refiner, cascade }, got ${describe(pipeline)}`,
    );
  }
  assertSamples(fn, 'samples', samples, nPoints);
  const names = boxSets !== null && typeof boxSets === 'object' ? Object.keys(boxSets) : [];
  if (names.length === 0) {
    throw new ValueError(
      `${fn}: argument 'boxSets' expected { name: boxes } with at least one entry, got ${describe(boxSets)}`,
    );
  }
  const timed = opts.timedFaces ?? 20;
  const out: PipelineEvaluation[] = [];
  for (const name of names) {
    const boxes = boxSets[name];
    if (!Array.isArray(boxes) || boxes.length !== samples.length) {
      throw new ShapeError(
        `${fn}: argument 'boxSets.${name}' expected one box (or undefined) per sample (${samples.length}), got ${describe(boxes)}`,
      );
    }
    const indices = boxes.flatMap((b, i) => (b === undefined || b === null ? [] : [i]));
    if (indices.length === 0) continue;
    const items = indices.map((i) => ({ image: samples[i].image, box: boxes[i] as Box }));
    const dim = 2 * nPoints;
    const pack = (shapes: Float32Array[]): Float32Array => packRows(shapes, dim);
    const plain = landmarksInBoxes(pipeline, items, { refine: false, cascade: false });
    const full = landmarksInBoxes(pipeline, items, { reclassify: true });
    const methods: Record<string, Float32Array> = {
      classifier: pack(plain.map((f) => f.classifierShape)),
      refined: pack(full.map((f) => f.classifierShape)),
    };
    const stages = full[0].stages.length - 1;
    for (let s = 1; s <= stages; s++) methods[`cascade ${s}`] = pack(full.map((f) => f.stages[s]));
    const onePass = pipeline.refiner ? landmarksInBoxes(pipeline, items, { reclassify: false }) : null;
    // (its start is the 'classifier' row: one pass keeps the classifier's shape in the given box)
    if (onePass && pipeline.cascade) methods['one pass: + cascade'] = pack(onePass.map((f) => f.landmarks));
    const msPerFace: Record<string, number> = {};
    const nt = Math.min(timed, items.length);
    if (nt > 0) {
      const time = (run: (k: number) => void): number => {
        run(0); // warm-up
        const t = performance.now();
        for (let k = 0; k < nt; k++) run(k);
        return (performance.now() - t) / nt;
      };
      msPerFace.classifier = time((k) => predict(pipeline.model, items[k].image, items[k].box));
      msPerFace.pipeline = time((k) => landmarksInBoxes(pipeline, [items[k]], { reclassify: true }));
      if (onePass) {
        msPerFace['pipeline one pass'] = time((k) =>
          landmarksInBoxes(pipeline, [items[k]], { reclassify: false }),
        );
      }
    }
    if (opts.peer) {
      const peer: Float32Array[] = [];
      await peerLandmarks68(items[0].image, [items[0].box]); // loads the net outside the timing
      const t = performance.now();
      for (const it of items) peer.push((await peerLandmarks68(it.image, [it.box]))[0]);
      msPerFace.faceLandmark68Net = (performance.now() - t) / items.length;
      methods.faceLandmark68Net = pack(peer);
    }
    const gt = pack(indices.map((i) => samples[i].landmarks));
    out.push({
      boxes: name,
      faces: indices.length,
      total: samples.length,
      indices,
      result: evaluateProtocol(gt, nPoints, methods, { hardFraction: 0, ...opts.protocol }),
      msPerFace,
    });
  }
  return out;
}
