/**
 * The widgets as self-contained pages (viz.widgetHtml standalone) in headless Chromium, offline:
 * behaviour against the library's own numbers computed in Node, screenshot snapshots (docs/images/),
 * data rendered as text, and no request leaving the page.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { classes, engine, experiments, neighbors, synth, viz } from '../../src';
import { tinySamples } from '../modelFixtures';
import { buildWidgets } from '../../scripts/build-widgets';
import { launchOrSkip, offlinePage } from './chromium';
import { HOSTILE, shapePosterior } from './fixtures';
import { expectScreenshot } from './screenshots';

describe('browser: widgets as standalone pages', function () {
  this.timeout(180000);
  let browser: Browser | undefined;
  let dir: string;
  let data: experiments.ExperimentData;

  before(async function () {
    browser = await launchOrSkip(this);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xl-widgets-'));
    await buildWidgets();
    await engine.init();
    data = experiments.prepareData({ source: 'synth-easy', n: 120, nValidation: 1, seed: 3 });
  });
  after(async () => {
    await browser?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function open(
    name: string,
    html: string,
  ): Promise<{ page: Page; blocked: string[]; errors: string[] }> {
    const file = path.join(dir, `${name}.html`);
    fs.writeFileSync(file, html);
    const opened = await offlinePage(browser as Browser);
    await opened.page.goto(`file://${file}`);
    return opened;
  }

  it('every bundle is self-contained: no require, no Node built-in, no eval or new Function', () => {
    const dist = path.join(__dirname, '..', '..', 'widgets', 'dist');
    for (const f of fs.readdirSync(dist).filter((n) => n.endsWith('.js'))) {
      const js = fs.readFileSync(path.join(dist, f), 'utf8');
      assert.ok(!/\brequire\(|["']node:/.test(js), `${f}: no require() / node: import`);
      assert.ok(!/\beval\(|new Function\(/.test(js), `${f}: no eval / new Function`);
      assert.ok(js.length < 100000, `${f}: ${js.length} bytes`);
    }
  });

  it('teaching: the sliders redraw, |M_i| agrees with classes.membership, data shows as text', async () => {
    const Ks = [10, 30, 120];
    const st = viz.teachingState(data.trainShapes, data.nPoints, {
      Ks,
      example: 5,
      tau: 0.04,
      title: HOSTILE,
    });
    assert.equal(st.levels[2].bestError, 0, 'at K = M the example is its own class');
    const { page, blocked, errors } = await open(
      'teaching',
      viz.widgetHtml('teaching', { ...st }, { standalone: true }),
    );
    const root = page.locator('.xl-teaching');
    await root.waitFor();
    const value = async () =>
      JSON.parse((await root.getAttribute('data-value')) ?? 'null') as viz.TeachingValue;
    const dim = 2 * data.nPoints;
    const example = data.trainShapes.slice(5 * dim, 6 * dim);
    const membersInNode = (K: number, tau: number) => {
      const table = classes.classTableFromKmeans(data.trainShapes, data.nPoints, { K, seed: 0 });
      const m = classes.membership(table, example, tau);
      return m.offsets[1] - m.offsets[0];
    };
    assert.deepEqual(await value(), { K: 30, tau: 0.04, size: membersInNode(30, 0.04) });
    await expectScreenshot('widget-teaching', await root.screenshot());
    // tau slider to its top end (0.2): the set grows
    await page.locator('.xl-slider-input').nth(1).fill('1000');
    const wide = await value();
    assert.ok(Math.abs(wide.tau - 0.2) < 1e-9);
    assert.equal(wide.size, membersInNode(30, wide.tau));
    assert.ok(wide.size > membersInNode(30, 0.04));
    await page.locator('.xl-slider-input').nth(0).fill('0');
    assert.equal((await value()).K, 10);
    assert.match(
      (await page.locator('.xl-teaching .xl-caption').textContent()) ?? '',
      /\|M_i\| = \d+ of K = 10 classes/,
    );
    assert.deepEqual(blocked, [], 'no request left the page');
    assert.deepEqual(errors, []);
  });

  it('teaching: a title with <script> and onerror renders as text and runs nothing', async () => {
    const st = viz.teachingState(data.trainShapes, data.nPoints, { Ks: [10], title: HOSTILE });
    const { page, blocked, errors } = await open(
      'hostile',
      viz.widgetHtml('teaching', { ...st }, { standalone: true }),
    );
    await page.locator('.xl-teaching').waitFor();
    assert.equal(await page.locator('.xl-teaching .xl-title').textContent(), HOSTILE);
    assert.equal(await page.locator('.xl-teaching img, .xl-teaching script').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
    assert.deepEqual(blocked, [], 'the <img> was never made, so x.png was never requested');
    assert.deepEqual(errors, []);
  });

  it('widgetHtml keeps props inert: "</script>" and "<!--" inside the JSON cannot end the element', async () => {
    const shape = Array.from({ length: 136 }, (_, i) => 10 + (i % 17) * 5);
    const html = viz.widgetHtml(
      'landmarkViewer',
      { shape, width: 100, height: 100, note: '</script><!--<script>window.pwned=3</script>' },
      { standalone: true },
    );
    assert.ok(!/<\/script><!--/.test(html.split('xl-props">')[1].split('</script>')[0]));
    const { page, blocked, errors } = await open('inert', html);
    await page.locator('.xl-landmark-viewer canvas').waitFor();
    assert.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
    assert.deepEqual(blocked, []);
    assert.deepEqual(errors, []);
  });

  it('video: the scrubber shows each frame with its prediction, the HMM path and yaw/roll intervals', async () => {
    const table = classes.classTableExemplars(data.trainShapes, data.nPoints);
    const clip = [...synth.video({ frames: 24, seed: 2, size: 64 })];
    const posteriors = clip.map((f) => shapePosterior(table, f, 0.05));
    const st = viz.videoState(
      clip.map((f) => f.image),
      clip.map((f) => f.box),
      posteriors,
      table,
      { truth: clip.map((f) => f.landmarks), title: 'synthetic clip' },
    );
    // the HMM path switches class no more often than the per-frame most probable class
    const argmax = posteriors.map((p) => p.indexOf(Math.max(...p)));
    const switches = (a: number[]) => a.slice(1).filter((k, t) => k !== a[t]).length;
    assert.ok(switches(st.pathClass) <= switches(argmax), `${switches(st.pathClass)} vs ${switches(argmax)}`);
    const { page, blocked, errors } = await open(
      'video',
      viz.widgetHtml('video', { ...st }, { standalone: true }),
    );
    const root = page.locator('.xl-video');
    await root.waitFor();
    await page.locator('.xl-video .xl-slider-input').fill('10');
    await page.waitForFunction(
      () => document.querySelector('.xl-video')?.getAttribute('data-value') === '{"frame":10}',
    );
    const caption = (await page.locator('.xl-video .xl-caption').textContent()) ?? '';
    assert.match(caption, new RegExp(`^frame 11/24 · HMM class ${st.pathClass[10]}\n`));
    assert.ok(
      caption.includes(
        `yaw ${st.yaw[10].mean.toFixed(1)}° [${st.yaw[10].lo.toFixed(1)}, ${st.yaw[10].hi.toFixed(1)}]`,
      ),
    );
    await page.locator('.xl-video .xl-slider-input').fill('2');
    await page.waitForFunction(
      () => document.querySelector('.xl-video')?.getAttribute('data-value') === '{"frame":2}',
    );
    await expectScreenshot('widget-video', await root.screenshot());
    assert.deepEqual(blocked, []);
    assert.deepEqual(errors, []);
  });

  it('exemplars: a face and its nearest exemplars by weights and by features, ids as text', async () => {
    const train = tinySamples(24, 1);
    const run = await experiments.trainClassifier(experiments.dataFromSamples(train, train), {
      K: 'M',
      loss: 'multiLabel',
      model: { input: { size: 32 }, widths: [8, 16], featureDim: 16, seed: 1 },
      train: { tau: 0.05, epochs: 1, batchSize: 8, progress: 'none', seed: 1 },
    });
    try {
      const emb = neighbors.exemplarEmbeddings(run.model, train);
      const q = train[3];
      const top = (by: 'weights' | 'features') =>
        neighbors.topExemplars(run.model, emb, q.image, q.box, { by, k: 4, samples: train });
      const byW = top('weights');
      const byF = top('features');
      const hostile = [{ ...byF[1], id: HOSTILE }];
      const st = viz.exemplarsState(
        viz.drawLandmarks(q.image, q.landmarks),
        `face ${q.id}`,
        byW,
        [byF[0], ...hostile, ...byF.slice(2)],
        {
          title: 'nearest exemplars',
        },
      );
      const { page, blocked, errors } = await open(
        'exemplars',
        viz.widgetHtml('exemplars', { ...st }, { standalone: true }),
      );
      const root = page.locator('.xl-exemplars');
      await root.waitFor();
      const captions = await page.locator('.xl-exemplar-row').nth(1).locator('figcaption').allTextContents();
      assert.equal(captions[0], `${byF[0].id} · ${byF[0].similarity.toFixed(3)}`);
      assert.equal(byF[0].id, q.id, 'a training face is its own nearest feature');
      assert.equal(captions[1], `${HOSTILE} · ${byF[1].similarity.toFixed(3)}`, 'the id is text');
      assert.equal(
        await page.locator('.xl-exemplars img').count(),
        1 + byW.length + byF.length,
        'only the thumbnails',
      );
      assert.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
      await page.locator('.xl-exemplar-row').nth(0).locator('figure').first().click();
      assert.equal(await root.getAttribute('data-value'), byW[0].id);
      await expectScreenshot('widget-exemplars', await root.screenshot());
      assert.deepEqual(blocked, []);
      assert.deepEqual(errors, []);
    } finally {
      run.model.dispose();
    }
  });
});
