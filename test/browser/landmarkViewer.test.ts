import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { landmarks } from '../../src';
import { buildWidgets } from '../../scripts/build-widgets';
import { launchOrSkip, offlinePage } from './chromium';

/** A 68-point test shape on a 10-column grid inside a 120×90 image (points 10 px apart). */
function gridShape(): Float32Array {
  const s = new Float32Array(68 * 2);
  for (let i = 0; i < 68; i++) {
    s[2 * i] = 10 + (i % 10) * 10;
    s[2 * i + 1] = 10 + Math.floor(i / 10) * 10;
  }
  return s;
}

describe('browser: landmarkViewer widget', function () {
  this.timeout(120000);
  let browser: Browser | undefined;
  let dir: string;
  let bundle: string;

  before(async function () {
    browser = await launchOrSkip(this);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xl-widget-'));
    const [file] = (await buildWidgets({ outdir: dir })).filter((f) => f.endsWith('landmarkViewer.js'));
    bundle = fs.readFileSync(file, 'utf8');
  });
  after(async () => {
    await browser?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the bundle is self-contained (no require, no Node built-ins)', () => {
    assert.ok(!/\brequire\(/.test(bundle), 'no require() left in the browser bundle');
    assert.ok(bundle.length < 50000, `bundle is ${bundle.length} bytes`);
  });

  it('clicking on the canvas selects the nearest landmark and reports it once', async () => {
    const shape = gridShape();
    const scale = 2;
    const page = `<!DOCTYPE html><html><body style="margin:0"><div id="host"></div>
<script>${bundle}</script>
<script>
  window.changes = [];
  window.viewer = xlWidgets.landmarkViewer.mount(document.getElementById('host'),
    { shape: ${JSON.stringify(Array.from(shape))}, width: 120, height: 90, scale: ${scale}, pickRadius: 4 });
  window.viewer.onChange = function (v) { window.changes.push(v); };
</script></body></html>`;
    const file = path.join(dir, 'viewer.html');
    fs.writeFileSync(file, page);
    const { page: p, blocked, errors } = await offlinePage(browser as Browser);
    await p.goto(`file://${file}`);
    const canvas = p.locator('canvas');
    assert.deepEqual(await canvas.evaluate((c: HTMLCanvasElement) => [c.width, c.height]), [240, 180]);
    const target = landmarks.ibug68.noseTip as number; // 30 → grid cell (0, 3): image (10, 40)
    const at = (i: number, dx = 0, dy = 0) => ({
      x: (shape[2 * i] + 0.5 + dx) * scale,
      y: (shape[2 * i + 1] + 0.5 + dy) * scale,
    });
    await canvas.click({ position: at(target, 1.5, -1) });
    assert.deepEqual(await p.evaluate(() => (window as unknown as { changes: number[] }).changes), [target]);
    assert.equal(
      await p.evaluate(() => (window as unknown as { viewer: { value: number } }).viewer.value),
      target,
    );
    assert.match((await p.locator('.xl-caption').textContent()) ?? '', /^landmark 30 \(noseBridge\)$/);
    // the selection ring is drawn around the target: the pixel just outside the point is highlight yellow
    const ring = await canvas.evaluate(
      (c: HTMLCanvasElement, xy: { x: number; y: number }) => {
        const d = c.getContext('2d')!.getImageData(Math.round(xy.x), Math.round(xy.y), 1, 1).data;
        return [d[0], d[1], d[2]];
      },
      at(target, 6, 0),
    );
    assert.ok(ring[0] > 200 && ring[1] > 200 && ring[2] < 100, `ring pixel ${ring}`);
    // clicking the same landmark again reports nothing; clicking empty space (beyond pickRadius) selects none
    await canvas.click({ position: at(target, 1, 1) });
    await canvas.click({ position: at(67, 5, 5) });
    assert.deepEqual(await p.evaluate(() => (window as unknown as { changes: number[] }).changes), [
      target,
      -1,
    ]);
    assert.equal(await p.locator('.xl-landmark-viewer').getAttribute('data-value'), '-1');
    assert.deepEqual(blocked, []);
    assert.deepEqual(errors, []);
  });
});
