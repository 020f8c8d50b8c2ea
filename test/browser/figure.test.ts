import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { Rng, reasoning, viz } from '../../src';
import { expectScreenshot } from './screenshots';
import { launchOrSkip, offlinePage } from './chromium';

describe('browser: Plotly figure HTML', function () {
  this.timeout(120000);
  let browser: Browser | undefined;
  let dir: string;

  before(async function () {
    browser = await launchOrSkip(this);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xl-browser-'));
  });
  after(async () => {
    await browser?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a standalone page renders the chart with every trace and no network', async () => {
    const fig = viz.cedFigure(
      [
        { name: 'A', errors: [0.01, 0.02, 0.05] },
        { name: 'B', errors: [0.03, 0.04, 0.09] },
        { name: 'C', errors: [0.06] },
      ],
      { title: 'CED' },
    );
    const file = path.join(dir, 'ced.html');
    fs.writeFileSync(file, viz.figureHtml(fig, { standalone: true, title: 'CED' }));
    const { page, blocked, errors } = await offlinePage(browser as Browser);
    await page.goto(`file://${file}`);
    await page.waitForSelector('div.xl-figure[data-xl-plotted] svg.main-svg', { timeout: 30000 });
    const traces = await page.locator('div.xl-figure .scatterlayer .trace').count();
    assert.equal(traces, 3);
    const legend = await page.locator('div.xl-figure .legend .legendtext').allTextContents();
    assert.deepEqual(
      legend.map((t) => t.split(' ')[0]),
      ['A', 'B', 'C'],
    );
    assert.deepEqual(blocked, [], 'no request left the machine');
    assert.deepEqual(errors, []);
  });

  it('fragments wait for the bundle and two showings of one figure give two plots', async () => {
    const fig = viz.barFigure([{ x: ['a', 'b'], y: [1, 2] }]);
    const frag = viz.figureHtml(fig);
    // figures first, bundle last: the fragments must wait for window.Plotly
    const html = `<!DOCTYPE html><html><body>${frag}\n${frag}\n${viz.plotlyBundleHtml()}</body></html>`;
    const file = path.join(dir, 'two.html');
    fs.writeFileSync(file, html);
    const { page, blocked, errors } = await offlinePage(browser as Browser);
    await page.goto(`file://${file}`);
    await page.waitForFunction(
      () => document.querySelectorAll('div.xl-figure[data-xl-plotted] svg.main-svg').length >= 2,
    );
    assert.equal(await page.locator('div.xl-figure').count(), 2);
    assert.equal(await page.locator('div.xl-figure .barlayer .trace').count(), 2);
    assert.deepEqual(blocked, []);
    assert.deepEqual(errors, []);
  });

  it('the result figures render; their screenshots go to docs/images/', async () => {
    const rng = new Rng(7);
    // per-face errors and an uncertainty that tracks them loosely (seeded, illustrative numbers)
    const n = 300;
    const unc = Array.from({ length: n }, () => rng.uniform(0.01, 0.06));
    const err = unc.map((u) => Math.abs(rng.normal(u, 0.02)));
    const errB = err.map((e) => e * 1.3 + 0.005);
    const table = {
      K: 5,
      nPoints: 1,
      centers: new Float32Array(10).fill(0.5),
      sigma: new Float32Array(5).fill(0.01),
      pose: new Float32Array([-50, 0, 8, -20, 0, 2, 0, 0, 0, 25, 0, -3, 60, 0, -9]),
      visibility: new Float32Array(5).fill(1),
    };
    const p = new Float64Array([0.05, 0.3, 0.4, 0.2, 0.05]);
    const figures: Record<string, viz.Figure> = {
      ced: viz.cedFigure(
        [
          { name: 'multiLabel', errors: err },
          { name: 'softmax', errors: errB },
        ],
        { title: 'CED', width: 520, height: 340 },
      ),
      marginals: viz.marginalsFigure(
        (['yaw', 'roll'] as const).map((attribute) =>
          reasoning.attributeMarginal(p, table, { attribute, bins: 18 }),
        ),
        { title: 'attribute marginals', width: 620, height: 300 },
      ),
      'error-vs-k': viz.errorVsKFigure(
        [10, 100, 1000, 3000].flatMap((K, i) => [
          { loss: 'softmax', K, landmarkError: 0.09 - 0.012 * i },
          { loss: 'multiLabel', K, landmarkError: 0.085 - 0.014 * i, exemplar: K === 3000 },
        ]),
        { title: 'landmark error vs K (illustrative numbers)', width: 520, height: 340 },
      ),
      'risk-coverage': viz.riskCoverageFigure(
        [{ name: 'spread', curve: reasoning.riskCoverage(unc, err, { threshold: 0.05 }) }],
        {
          title: 'risk-coverage',
          width: 520,
          height: 340,
        },
      ),
    };
    const html = `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>${viz.plotlyBundleHtml()}${Object.entries(
      figures,
    )
      .map(([k, f]) => `<div id="fig-${k}" style="display:inline-block">${viz.figureHtml(f)}</div>`)
      .join('\n')}</body></html>`;
    const file = path.join(dir, 'results.html');
    fs.writeFileSync(file, html);
    const { page, blocked, errors } = await offlinePage(browser as Browser);
    await page.setViewportSize({ width: 1300, height: 900 });
    await page.goto(`file://${file}`);
    await page.waitForFunction(
      (k) => document.querySelectorAll('div.xl-figure[data-xl-plotted] svg.main-svg').length >= k,
      Object.keys(figures).length * 2,
    );
    for (const k of Object.keys(figures)) {
      await expectScreenshot(`figure-${k}`, await page.locator(`#fig-${k} div.xl-figure`).screenshot());
    }
    assert.deepEqual(blocked, []);
    assert.deepEqual(errors, []);
  });
});
