import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FormatError, ValueError } from '../src/errors';
import {
  formatCocoKeypoints,
  parseCocoKeypoints,
  readCocoKeypoints,
  readImage,
  readPts,
  writeCocoKeypoints,
} from '../src/data/io';
import { expectClose, requireSharedData } from './helpers';

const doc = (
  annotations: unknown[],
  images: unknown[] = [{ id: 7, file_name: 'a.jpg', width: 10, height: 8 }],
): string => JSON.stringify({ images, annotations, categories: [] });

describe('io: COCO keypoint JSON', () => {
  it('reads keypoints with visibility, boxes and image names', () => {
    const faces = parseCocoKeypoints(
      doc([{ id: 1, image_id: 7, bbox: [1, 2, 3, 4], keypoints: [5, 6, 2, 7, 8, 1, 0, 0, 0] }]),
    );
    assert.equal(faces.length, 1);
    const f = faces[0];
    assert.deepEqual(
      { id: f.id, imageId: f.imageId, image: f.image, w: f.imageWidth, h: f.imageHeight, box: f.box },
      { id: 1, imageId: 7, image: 'a.jpg', w: 10, h: 8, box: { x: 1, y: 2, width: 3, height: 4 } },
    );
    assert.deepEqual(f.landmarks, new Float32Array([5, 6, 7, 8, 0, 0]));
    assert.deepEqual(f.visibility, new Uint8Array([2, 1, 0]));
  });

  it('uses face_kpts and face_box for WholeBody and skips unlabelled faces unless asked', () => {
    const ann = (id: number, valid: boolean) => ({
      id,
      image_id: 7,
      bbox: [0, 0, 9, 9],
      keypoints: [1, 1, 2],
      face_box: [2, 3, 4, 5],
      face_kpts: valid ? [1, 2, 1, 3, 4, 1] : [0, 0, 0, 0, 0, 0],
      face_valid: valid,
    });
    const faces = parseCocoKeypoints(doc([ann(1, true), ann(2, false)]));
    assert.deepEqual(
      faces.map((f) => f.id),
      [1],
    );
    assert.deepEqual(faces[0].box, { x: 2, y: 3, width: 4, height: 5 });
    assert.deepEqual(faces[0].landmarks, new Float32Array([1, 2, 3, 4]));
    assert.equal(parseCocoKeypoints(doc([ann(1, true), ann(2, false)]), { skipUnlabelled: false }).length, 2);
    assert.equal(parseCocoKeypoints(doc([ann(1, true)]), { keypoints: 'keypoints' })[0].landmarks.length, 2);
  });

  it('round-trips through writeCocoKeypoints', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'io-coco-'));
    try {
      const f = path.join(dir, 'a.json');
      const faces = [
        {
          image: 'x.png',
          imageWidth: 100,
          imageHeight: 90,
          box: { x: 1.5, y: 2, width: 30, height: 40 },
          landmarks: new Float32Array([10.125, 20.75, 30, 40]),
          visibility: [2, 0],
        },
        { image: 'y.png', box: { x: 0, y: 0, width: 5, height: 5 }, landmarks: new Float32Array([1, 2]) },
        { image: 'x.png', box: { x: 3, y: 3, width: 5, height: 5 }, landmarks: new Float32Array([3, 4]) },
      ];
      writeCocoKeypoints(f, faces);
      const back = readCocoKeypoints(f, { skipUnlabelled: false });
      assert.equal(back.length, 3);
      for (let i = 0; i < 3; i++) {
        assert.equal(back[i].image, faces[i].image);
        assert.deepEqual(back[i].box, faces[i].box);
        assert.deepEqual(back[i].landmarks, faces[i].landmarks);
      }
      assert.deepEqual(back[0].visibility, new Uint8Array([2, 0]));
      assert.deepEqual(back[1].visibility, new Uint8Array([2]));
      assert.equal(back[0].imageId, back[2].imageId);
      assert.equal(back[0].imageWidth, 100);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    assert.throws(
      () =>
        formatCocoKeypoints([
          { image: 'a', box: { x: 0, y: 0, width: 1, height: 1 }, landmarks: [1, 2], visibility: [3] },
        ]),
      ValueError,
    );
  });

  it('names file and field for broken input, including an annotation without an image', () => {
    const bad: [string, RegExp][] = [
      [
        doc([{ id: 1, image_id: 99, bbox: [0, 0, 1, 1], keypoints: [1, 1, 2] }]),
        /field annotations\[0\]\.image_id: expected the id of an entry of images, got 99 \(no such image\)/,
      ],
      [
        doc([{ id: 1, image_id: 7, bbox: [0, 0, 1, 1], keypoints: [1, 1] }]),
        /field annotations\[0\]\.keypoints: expected a multiple of 3 values/,
      ],
      [
        doc([{ id: 1, image_id: 7, bbox: [0, 0, 1], keypoints: [1, 1, 2] }]),
        /field annotations\[0\]\.bbox: expected \[x, y, width, height\]/,
      ],
      [
        doc([{ id: 1, image_id: 7, bbox: [0, 0, 1, 1], keypoints: [1, 'x', 2] }]),
        /keypoints\[1\]: expected a finite number, got "x"/,
      ],
      [
        doc([{ id: 1, image_id: 7, bbox: [0, 0, 1, 1], keypoints: [1, 1, 5] }]),
        /keypoints\[2\]: expected a visibility flag 0, 1 or 2, got 5/,
      ],
      [doc([], [{ id: 1 }]), /field images\[0\]\.file_name: expected a string, got undefined/],
      ['{"images": [], "annotations": [', /line 1: expected valid JSON/],
    ];
    for (const [text, re] of bad) {
      assert.throws(
        () => parseCocoKeypoints(text, { file: 'c.json' }),
        (e: unknown) =>
          e instanceof FormatError &&
          e.message.startsWith('parseCocoKeypoints: c.json') &&
          re.test(e.message),
        text,
      );
    }
  });

  it('reads the real fixtures: 300-W, 300W-LP and COCO-WholeBody faces', function () {
    const root = requireSharedData(this, 'samples/mmpose');
    for (const sub of ['300w/test_300w.json', '300wlp/test_300wlp.json']) {
      const faces = readCocoKeypoints(path.join(root, sub));
      assert.equal(faces.length, 2, sub);
      for (const f of faces) {
        assert.equal(f.landmarks.length, 136);
        const img = readImage(path.join(root, path.dirname(sub), f.image));
        assert.equal(img.width, f.imageWidth);
        assert.equal(img.height, f.imageHeight);
        // every landmark inside the image and near the box
        for (let i = 0; i < 68; i++) {
          const x = f.landmarks[2 * i];
          const y = f.landmarks[2 * i + 1];
          assert.ok(x >= 0 && x < img.width && y >= 0 && y < img.height, `${sub} point ${i}`);
          assert.ok(
            x > f.box.x - 0.2 * f.box.width && x < f.box.x + 1.2 * f.box.width,
            `${sub} point ${i} x near box`,
          );
        }
      }
    }
    // mmpose's 300-VW JSON keeps the .pts numbers (1-based) and stores no bbox
    const vw = readCocoKeypoints(path.join(root, '300vw/anno_300vw.json'), { oneBased: true });
    assert.equal(vw.length, 3);
    for (const f of vw) {
      const pts = readPts(
        path.join(root, '300vw', f.image.replace('/imgs/', '/annot/').replace('.jpg', '.pts')),
      );
      expectClose(f.landmarks, pts, 1e-4, f.image);
      assert.equal(f.boxFromLandmarks, true);
      assert.ok(Math.abs(f.box.x - Math.min(...pts.filter((_, i) => i % 2 === 0))) < 1e-3);
    }
    const wb = readCocoKeypoints(path.join(root, 'coco/test_coco_wholebody.json'));
    const all = readCocoKeypoints(path.join(root, 'coco/test_coco_wholebody.json'), {
      skipUnlabelled: false,
    });
    assert.ok(
      wb.length > 0 && wb.length < all.length,
      `${wb.length} labelled faces of ${all.length} annotations`,
    );
    for (const f of wb) {
      assert.equal(f.landmarks.length, 136);
      const cx = f.box.x + f.box.width / 2;
      const cy = f.box.y + f.box.height / 2;
      let mx = 0;
      let my = 0;
      let n = 0;
      for (let i = 0; i < 68; i++) {
        if (f.visibility[i] === 0) continue;
        mx += f.landmarks[2 * i];
        my += f.landmarks[2 * i + 1];
        n++;
      }
      assert.ok(
        Math.abs(mx / n - cx) < f.box.width && Math.abs(my / n - cy) < f.box.height,
        `face ${f.id} landmarks centred in face_box`,
      );
    }
  });
});
