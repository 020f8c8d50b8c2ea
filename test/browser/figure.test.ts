import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { viz } from '../../src';
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
});
