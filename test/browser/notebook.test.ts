/**
 * The real thing: Jupyter Notebook serving notebooks/, 00-check executed in headless Chromium through the
 * tslab kernel. Checks that a Plotly figure renders inside the notebook page (the classic notebook loads
 * require.js, which must not capture the inlined bundle), that the landmarkViewer widget mounts, and that
 * nothing is fetched from outside the machine. Autosave is switched off: the notebook file is never written.
 */
import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { PROJECT_ROOT } from '../helpers';
import { launchOrSkip } from './chromium';
import { CLASSIC_JUPYTER, runClassicNotebook, startJupyter } from './jupyter';

const JUPYTER = CLASSIC_JUPYTER;
const NOTEBOOK = '00-check.ipynb';

describe('browser: a live notebook (Jupyter + tslab)', function () {
  this.timeout(300000);
  let browser: Browser | undefined;
  let jupyter: ChildProcess | undefined;
  let tmp = '';

  before(async function () {
    const missing = [
      JUPYTER,
      path.join(PROJECT_ROOT, 'dist', 'index.js'),
      path.join(PROJECT_ROOT, 'widgets', 'dist'),
    ]
      .concat(path.join(PROJECT_ROOT, 'node_modules', 'exemplar-landmarks'))
      .filter((p) => !fs.existsSync(p));
    if (missing.length > 0) {
      console.log(`      (skipped: ${missing.join(', ')} missing; run bash scripts/setup.sh)`);
      this.skip();
    }
    browser = await launchOrSkip(this);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xl-live-'));
  });
  after(() => {
    jupyter?.kill('SIGTERM');
    void browser?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('00-check runs in the page: the Plotly chart renders, the widget mounts, nothing external is fetched', async () => {
    const token = crypto.randomBytes(16).toString('hex');
    const started = await startJupyter(JUPYTER, 'notebook', tmp, token);
    jupyter = started.proc;
    const before = fs.readFileSync(path.join(PROJECT_ROOT, 'notebooks', NOTEBOOK));
    const page = await (browser as Browser).newPage();
    const external = await runClassicNotebook(page, started.url, NOTEBOOK, token);
    await page.waitForSelector('div.xl-figure[data-xl-plotted] svg.main-svg', { timeout: 180000 });
    assert.equal(await page.locator('div.xl-figure .scatterlayer .trace').count(), 2);
    await page.waitForSelector('.xl-landmark-viewer canvas', { timeout: 60000 });
    assert.equal(await page.locator('.xl-landmark-viewer').getAttribute('data-value'), '30');
    assert.ok((await page.locator('.output_png img').count()) >= 1, 'the drawn face is shown as a PNG');
    assert.equal(
      (await page.locator('.output_stderr').allTextContents()).join(''),
      '',
      'no cell wrote to stderr',
    );
    assert.deepEqual(external, [], 'no request left the machine');
    assert.deepEqual(
      fs.readFileSync(path.join(PROJECT_ROOT, 'notebooks', NOTEBOOK)),
      before,
      'notebook file untouched',
    );
  });
});
