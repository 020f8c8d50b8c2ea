import * as assert from 'node:assert/strict';
import { ShapeError, ValueError, Warnings, landmarks, viz, type Raster } from '../src';

function gray(width: number, height: number, v = 0): Raster {
  return { width, height, channels: 1, data: new Uint8Array(width * height).fill(v) };
}

function px(r: Raster, x: number, y: number): number[] {
  const o = (y * r.width + x) * r.channels;
  return Array.from(r.data.subarray(o, o + r.channels));
}

/** Pixels that differ from the background colour `bg` (RGB). */
function changed(r: Raster, bg: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let y = 0; y < r.height; y++)
    for (let x = 0; x < r.width; x++) {
      const p = px(r, x, y);
      if (p[0] !== bg[0] || p[1] !== bg[1] || p[2] !== bg[2]) out.push([x, y]);
    }
  return out;
}

describe('viz drawing', () => {
  it('drawLandmarks colours the pixel under each point and nothing far from it', () => {
    const img = gray(40, 30, 0);
    const shape = new Float32Array([10, 7, 25, 20]);
    const out = viz.drawLandmarks(img, shape, { color: '#ff0000', radius: 2 });
    assert.equal(out.channels, 3);
    assert.equal(out.width, 40);
    assert.deepEqual(px(out, 10, 7), [255, 0, 0]);
    assert.deepEqual(px(out, 25, 20), [255, 0, 0]);
    const ch = changed(out, [0, 0, 0]);
    assert.ok(ch.length >= 2 * 9, `only ${ch.length} pixels drawn`);
    for (const [x, y] of ch) {
      const d = Math.min(Math.hypot(x - 10, y - 7), Math.hypot(x - 25, y - 20));
      assert.ok(d <= 3, `pixel (${x}, ${y}) drawn ${d.toFixed(2)} px from the nearest point`);
    }
    // the input is untouched
    assert.ok(img.data.every((v) => v === 0));
  });

  it('draws scheme connections between points and a box outline', () => {
    const img: Raster = { width: 30, height: 30, channels: 3, data: new Uint8Array(30 * 30 * 3) };
    const scheme = landmarks.genericScheme(2);
    const withLine = viz.drawLandmarks(img, new Float32Array([5, 15, 24, 15]), {
      scheme: { ...scheme, connections: [[0, 1]] },
      color: '#ffffff',
      radius: 1,
    });
    // midway along the line is lit; far above it is not
    assert.ok(px(withLine, 15, 15)[0] > 100);
    assert.deepEqual(px(withLine, 15, 5), [0, 0, 0]);
    const boxed = viz.drawLandmarks(img, new Float32Array([15, 15]), {
      box: { x: 4, y: 4, width: 20, height: 20 },
      boxColor: '#00ff00',
      color: '#ff0000',
      radius: 1,
    });
    assert.ok(px(boxed, 4, 14)[1] > 100, 'left edge of the box');
    assert.ok(px(boxed, 24, 14)[1] > 100, 'right edge of the box');
    assert.deepEqual(px(boxed, 10, 10), [0, 0, 0], 'inside the box, away from the point');
  });

  it('keeps RGBA rasters RGBA and draws invisible points as rings', () => {
    const img: Raster = { width: 21, height: 21, channels: 4, data: new Uint8Array(21 * 21 * 4).fill(255) };
    const out = viz.drawLandmarks(img, new Float32Array([10, 10]), {
      color: '#0000ff',
      radius: 5,
      visibility: new Uint8Array([0]),
    });
    assert.equal(out.channels, 4);
    assert.deepEqual(px(out, 10, 10), [255, 255, 255, 255], 'ring centre stays empty');
    assert.ok(px(out, 15, 10)[0] < 200, 'ring itself is blue-ish');
  });

  it('warns once when points fall outside the raster', () => {
    const warnings = new Warnings();
    viz.drawLandmarks(gray(10, 10), new Float32Array([1, 1, 9.4, 9.4, -0.6, 5, 5, 12]), { warnings });
    assert.equal(warnings.count('point-outside'), 1);
    assert.match(warnings.items[0].message, /2 of 4 points lie outside the 10×10 raster/);
    viz.drawLandmarks(gray(10, 10), new Float32Array([0, 0, 9, 9]), { warnings });
    assert.equal(warnings.count(), 1, 'no warning when all points are inside');
  });

  it('rejects bad input with named errors', () => {
    const img = gray(10, 10);
    assert.throws(
      () => viz.drawLandmarks(img, new Float32Array([1, Number.NaN])),
      (e: Error) => e instanceof ValueError && /drawLandmarks: argument 'shape'/.test(e.message),
    );
    assert.throws(
      () => viz.drawLandmarks(img, new Float32Array(4), { scheme: landmarks.ibug68 }),
      (e: Error) => e instanceof ShapeError && /expected 68 points/.test(e.message),
    );
    assert.throws(
      () => viz.drawLandmarks({ ...img, data: new Uint8Array(5) }, new Float32Array(2)),
      (e: Error) =>
        e instanceof ShapeError &&
        /drawLandmarks: argument 'raster.data' expected length 100/.test(e.message),
    );
    assert.throws(
      () => viz.drawLandmarks(img, new Float32Array(2), { box: { x: 0, y: 0, width: 0, height: 3 } }),
      (e: Error) => e instanceof ValueError && /opts.box/.test(e.message),
    );
  });

  it('rasterToPng round-trips through the PNG decoder', async () => {
    const { loadImage, createCanvas } = await import('@napi-rs/canvas');
    const r: Raster = { width: 7, height: 5, channels: 3, data: new Uint8Array(7 * 5 * 3) };
    for (let i = 0; i < r.data.length; i++) r.data[i] = (i * 37) % 256;
    const png = viz.rasterToPng(r);
    assert.deepEqual(Array.from(png.subarray(1, 4)), [0x50, 0x4e, 0x47]); // "PNG"
    const im = await loadImage(png);
    const c = createCanvas(im.width, im.height);
    c.getContext('2d').drawImage(im, 0, 0);
    const back = viz.rasterFromRgba(c.getContext('2d').getImageData(0, 0, 7, 5).data, 7, 5, 3);
    assert.deepEqual(Array.from(back.data), Array.from(r.data));
  });

  it('contactSheet lays rasters out in a grid with padding', () => {
    const a: Raster = { width: 10, height: 10, channels: 3, data: new Uint8Array(300).fill(0) };
    const b = gray(10, 10, 128);
    const sheet = viz.contactSheet([a, b, a], { columns: 2, padding: 2 });
    assert.equal(sheet.width, 2 + 2 * 12);
    assert.equal(sheet.height, 2 + 2 * 12);
    assert.deepEqual(px(sheet, 0, 0), [255, 255, 255], 'padding is background');
    assert.deepEqual(px(sheet, 5, 5), [0, 0, 0], 'first cell');
    assert.deepEqual(px(sheet, 17, 5), [128, 128, 128], 'second cell');
    assert.deepEqual(px(sheet, 5, 17), [0, 0, 0], 'third cell, second row');
    assert.deepEqual(px(sheet, 17, 17), [255, 255, 255], 'empty fourth cell');
    const labelled = viz.contactSheet([a, b], { columns: 2, labels: ['a', 'b'], cellSize: 20 });
    assert.equal(labelled.height, 2 + 20 + 14 + 2);
    assert.throws(() => viz.contactSheet([a], { columns: 1, labels: [] }), ShapeError);
    assert.throws(() => viz.contactSheet([], { columns: 1 }), ShapeError);
  });

  it('nearestLandmark finds the nearest point within a radius', () => {
    const s = new Float32Array([0, 0, 10, 0, 10, 10]);
    assert.equal(viz.nearestLandmark(s, 9, 1), 1);
    assert.equal(viz.nearestLandmark(s, 9, 9), 2);
    assert.equal(viz.nearestLandmark(s, 5, 0), 0, 'ties go to the lower index');
    assert.equal(viz.nearestLandmark(s, 50, 50, 5), -1);
  });

  it('ellipsePolygon lies on the k-sigma contour of the covariance', () => {
    const [sxx, sxy, syy] = [4, 1.5, 2];
    const det = sxx * syy - sxy * sxy;
    const p = viz.ellipsePolygon(10, 20, sxx, sxy, syy, 2, 16);
    for (let i = 0; i < 16; i++) {
      const dx = p[2 * i] - 10;
      const dy = p[2 * i + 1] - 20;
      // Mahalanobis distance² with the inverse [[syy, -sxy], [-sxy, sxx]] / det
      const m2 = (syy * dx * dx - 2 * sxy * dx * dy + sxx * dy * dy) / det;
      assert.ok(Math.abs(m2 - 4) < 1e-9, `point ${i}: ${m2}`);
    }
  });

  it('drawEllipses draws around each point and rejects a covariance that is not PSD', () => {
    const img: Raster = { width: 40, height: 40, channels: 1, data: new Uint8Array(1600) };
    const shape = new Float32Array([20, 20]);
    const out = viz.drawEllipses(img, shape, [9, 0, 1], { k: 2, color: '#ffffff' });
    // semi-axes 6 (x) and 2 (y): the contour crosses (26, 20) and (20, 22), not the centre
    const at = (x: number, y: number) => out.data[3 * (y * 40 + x)];
    assert.ok(at(26, 20) > 100 && at(20, 22) > 100, `contour ${at(26, 20)} ${at(20, 22)}`);
    assert.equal(at(20, 20), 0);
    assert.throws(
      () => viz.drawEllipses(img, shape, [1, 2, 1]),
      (e: Error) =>
        e instanceof ValueError && /positive semi-definite 2×2 covariance at point 0/.test(e.message),
    );
    assert.throws(() => viz.drawEllipses(img, shape, [1, 0]), ShapeError);
  });

  it('drawHeatmapOverlay colours only where the values are high, inside its rect', () => {
    const img: Raster = { width: 20, height: 20, channels: 3, data: new Uint8Array(1200).fill(10) };
    const heat = new Float32Array(4);
    heat[3] = 1; // bottom-right cell of a 2×2 grid
    const out = viz.drawHeatmapOverlay(img, heat, 2, 2, {
      rect: { x: -0.5, y: -0.5, width: 10, height: 10 },
    });
    const px = (x: number, y: number) =>
      Array.from(out.data.subarray(3 * (y * 20 + x), 3 * (y * 20 + x) + 3));
    assert.ok(px(8, 8)[0] > 100, `hot cell ${px(8, 8)}`);
    assert.deepEqual(px(1, 1), [10, 10, 10], 'a zero cell stays transparent');
    assert.deepEqual(px(15, 15), [10, 10, 10], 'outside the rect untouched');
    assert.throws(
      () => viz.drawHeatmapOverlay(img, [1, -1, 0, 0], 2, 2),
      /non-negative values, got -1 at index 1/,
    );
    assert.throws(() => viz.drawHeatmapOverlay(img, [1, 1, 0], 2, 2), ShapeError);
    const rgba = viz.heatmapRgba([0, 0.5, 1], 3, 1);
    assert.equal(rgba[3], 0);
    assert.ok(rgba[11] > rgba[7] && rgba[7] > 0, 'opacity grows with the value');
  });

  it('exemplarsSheet puts the query first, then the exemplars in rank order', () => {
    const face = (v: number): Raster => gray(8, 8, v);
    const sheet = viz.exemplarsSheet(
      face(255),
      [{ raster: face(100), label: 'ex-7', score: 0.91234 }, { raster: face(50) }],
      { cellSize: 8, padding: 0, labels: ['', '', ''] },
    );
    assert.equal(sheet.width, 24, 'three cells in one row');
    assert.deepEqual([px(sheet, 4, 4)[0], px(sheet, 12, 4)[0], px(sheet, 20, 4)[0]], [255, 100, 50]);
    assert.throws(() => viz.exemplarsSheet(face(1), []), ShapeError);
  });
});
