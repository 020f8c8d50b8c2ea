import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FormatError, ValueError } from '../src/errors';
import { formatDlibXml, parseDlibXml, readDlibXml, readImage, readPts, writeDlibXml } from '../src/data/io';
import type { DlibImage } from '../src/data/io';
import { expectClose, requireSharedData } from './helpers';

describe('io: dlib XML', () => {
  it('reads images, boxes, parts (in name order), ignore flags and labels', () => {
    const xml = `<?xml version='1.0'?>
<dataset><name>t</name><images>
  <image file='a b.jpg' width='50' height='40'>
    <box top='1' left='2' width='3' height='4' ignore='1'><label>face</label></box>
    <box top='5' left='6' width='7' height='8'>
      <part name='01' x='3' y='4'/>
      <part name='00' x='1' y='2'/>
    </box>
  </image>
  <image file='empty.jpg'/>
</images></dataset>`;
    const d = parseDlibXml(xml);
    assert.equal(d.length, 2);
    assert.equal(d[0].image, 'a b.jpg');
    assert.deepEqual([d[0].width, d[0].height], [50, 40]);
    assert.deepEqual(d[0].boxes[0], {
      box: { x: 2, y: 1, width: 3, height: 4 },
      ignore: true,
      label: 'face',
    });
    assert.deepEqual(d[0].boxes[1].box, { x: 6, y: 5, width: 7, height: 8 });
    assert.deepEqual(d[0].boxes[1].landmarks, new Float32Array([1, 2, 3, 4]));
    assert.deepEqual(d[1], { image: 'empty.jpg', boxes: [] });
  });

  it('round-trips through writeDlibXml (integers exactly, fractions rounded unless round: false)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'io-dlib-'));
    try {
      const data: DlibImage[] = [
        {
          image: "it's <a> & b.jpg",
          width: 100,
          height: 80,
          boxes: [
            {
              box: { x: 10, y: 20, width: 30, height: 31 },
              landmarks: new Float32Array(Array.from({ length: 136 }, (_, i) => i)),
            },
            { box: { x: -3, y: 0, width: 5, height: 5 }, ignore: true },
          ],
        },
        { image: 'b.jpg', boxes: [] },
      ];
      const f = path.join(dir, 'd.xml');
      writeDlibXml(f, data);
      assert.match(fs.readFileSync(f, 'utf8'), /<part name='67' x='134' y='135'\/>/);
      assert.deepEqual(readDlibXml(f), data);
      const frac: DlibImage[] = [
        {
          image: 'c.jpg',
          boxes: [{ box: { x: 1, y: 2, width: 3, height: 4 }, landmarks: new Float32Array([1.25, 2.75]) }],
        },
      ];
      expectClose(parseDlibXml(formatDlibXml(frac))[0].boxes[0].landmarks!, [1, 3], 0);
      expectClose(
        parseDlibXml(formatDlibXml(frac, { round: false }))[0].boxes[0].landmarks!,
        [1.25, 2.75],
        0,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    assert.throws(
      () => formatDlibXml([{ image: 'x', boxes: [{ box: { x: NaN, y: 0, width: 1, height: 1 } }] }]),
      ValueError,
    );
  });

  it('names file and line for broken input', () => {
    const bad: [string, RegExp][] = [
      ['', /^parseDlibXml: d\.xml line 1: expected a dlib XML <dataset>, got an empty file$/],
      [
        "<dataset><images>\n<image file='a'>\n</images></dataset>",
        /^parseDlibXml: d\.xml line 3: expected well-formed XML, got/,
      ],
      [
        "<dataset><images>\n<image file='a'>\n<box top='x' left='1' width='1' height='1'/></image></images></dataset>",
        /line 3: <box> attribute 'top': expected a number, got "x"/,
      ],
      [
        "<dataset><images>\n<image file='a'>\n<box left='1' width='1' height='1'/></image></images></dataset>",
        /line 3: <box> attribute 'top': expected a number, got none/,
      ],
      [
        '<dataset><images>\n<image>\n</image></images></dataset>',
        /line 2: <image>: expected a 'file' attribute, got none/,
      ],
      [
        "<dataset><images><image file='a'><box top='1' left='1' width='1' height='1'>\n<part name='00' x='1' y='1'/>\n<part name='02' x='1' y='1'/></box></image></images></dataset>",
        /line 3: <part> attribute 'name': expected an index 0\.\.1 \(the box has 2 parts\), got "02"/,
      ],
      ['<other/>', /expected a <dataset> root element, got none/],
    ];
    for (const [text, re] of bad) {
      assert.throws(
        () => parseDlibXml(text, { file: 'd.xml' }),
        (e: unknown) => e instanceof FormatError && re.test(e.message),
        text,
      );
    }
  });

  it('reads the real dlib fixtures: 68 parts per box, matching pts_from_xml, faces inside their photos', function () {
    const root = requireSharedData(this, 'samples/dlib');
    const train = readDlibXml(path.join(root, 'training_with_face_landmarks.xml'));
    const test = readDlibXml(path.join(root, 'testing_with_face_landmarks.xml'));
    const boxes = (d: DlibImage[]) => d.reduce((n, im) => n + im.boxes.length, 0);
    assert.equal(boxes(train), 18);
    assert.equal(boxes(test), 25);
    let matched = 0;
    for (const im of [...train, ...test]) {
      const img = readImage(path.join(root, im.image));
      assert.deepEqual([img.width, img.height], [im.width, im.height]);
      im.boxes.forEach((b, k) => {
        assert.equal(b.landmarks?.length, 136, `${im.image} box ${k}`);
        const pts = path.join(root, 'pts_from_xml', `${path.basename(im.image, '.jpg')}_${k + 1}.pts`);
        if (fs.existsSync(pts)) {
          // pts_from_xml holds the XML's 0-based numbers unchanged (not the 300-W 1-based convention)
          expectClose(readPts(pts, { oneBased: false }), b.landmarks!, 1e-3, pts);
          matched++;
        }
      });
    }
    assert.ok(matched >= 40, `${matched} boxes matched their .pts`);
  });
});
