/**
 * The widgets inside real front ends: a scratch notebook (under test/out/, so 'exemplar-landmarks'
 * resolves to this checkout's dist/) that shows the teaching and click-to-condition widgets and a Plotly
 * figure is (1) executed by nbclient and exported to HTML by nbconvert, and the export opened offline;
 * (2) run live in Debian's classic Notebook; (3) run live in JupyterLab where it is installed (else the
 * test says "skipped" and why). In each, the widgets mount and a click on the condition widget conditions
 * the posterior in the page; nothing is fetched from outside the machine by our outputs.
 */
import * as assert from 'node:assert/strict';
import { type ChildProcess, execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PROJECT_ROOT } from '../helpers';
import { launchOrSkip, offlinePage } from './chromium';
import {
  CLASSIC_JUPYTER,
  findJupyterLab,
  runClassicNotebook,
  startJupyter,
  writeTslabKernelSpec,
} from './jupyter';

const PY = '/usr/bin/python3';

/** The notebook's cells (TypeScript for tslab): the public API only, as a user would write them. */
const CELLS = [
  `import * as xl from 'exemplar-landmarks';
const { viz, classes, experiments, engine, landmarks, model } = xl;
await engine.init();
const data = experiments.prepareData({ source: 'synth-easy', n: 150, nValidation: 1, seed: 4, size: 64 });`,
  `viz.show(viz.widgetHtml('teaching', { ...viz.teachingState(data.trainShapes, data.nPoints, { Ks: [10, 40, 150] }) }));`,
  `// a posterior for the validation face: p_k ∝ exp(−d_k² / 2s²) over exemplar classes (no trained model needed)
const table = classes.classTableExemplars(data.trainShapes, data.nPoints);
const face = data.validation[0];
const y = landmarks.shapeToBox(face.landmarks, model.referenceBox(face));
const D = 2 * table.nPoints;
const logit = Array.from({ length: table.K }, (_, k) => {
  let d2 = 0;
  for (let j = 0; j < D; j++) d2 += (table.centers[k * D + j] - y[j]) ** 2;
  return -d2 / table.nPoints / (2 * 0.05 * 0.05);
});
const top = Math.max(...logit);
const w = logit.map((v) => Math.exp(v - top));
const z = w.reduce((a, b) => a + b, 0);
const posterior = Float64Array.from(w, (v) => v / z);
viz.show(viz.widgetHtml('clickCondition', { ...viz.conditionState(posterior, table, face.box, face.image, { scale: 3 }) }));`,
  `viz.show(viz.lineFigure([{ name: 'a', y: [1, 3, 2] }]));`,
];

function writeNotebook(file: string): void {
  const nb = {
    cells: CELLS.map((source) => ({
      cell_type: 'code',
      execution_count: null,
      metadata: {},
      outputs: [],
      source,
    })),
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  fs.writeFileSync(file, JSON.stringify(nb, null, 1));
}

/** The widgets and the figure are there, and a click on the condition canvas conditions in the page. */
async function checkWidgets(page: Page, timeout: number): Promise<void> {
  await page.waitForSelector('.xl-teaching canvas', { timeout });
  await page.waitForSelector('.xl-condition canvas', { timeout });
  await page.waitForSelector('div.xl-figure[data-xl-plotted] svg.main-svg', { timeout });
  const canvas = page.locator('.xl-condition canvas').first();
  await canvas.scrollIntoViewIfNeeded();
  await canvas.click({ position: { x: 90, y: 100 } });
  await page.waitForFunction(
    () => {
      const v = document.querySelector('.xl-condition')?.getAttribute('data-value');
      return v !== null && v !== undefined && (JSON.parse(v) as { clicks: unknown[] }).clicks.length === 1;
    },
    null,
    { timeout: 10000 },
  );
}

describe('browser: widgets in the front ends (export, classic Notebook, JupyterLab)', function () {
  this.timeout(600000);
  let browser: Browser | undefined;
  let dir = '';
  const servers: ChildProcess[] = [];

  before(async function () {
    const missing = [
      PY,
      CLASSIC_JUPYTER,
      path.join(PROJECT_ROOT, 'dist', 'index.js'),
      path.join(PROJECT_ROOT, 'widgets', 'dist', 'clickCondition.js'),
      path.join(PROJECT_ROOT, 'node_modules', 'exemplar-landmarks'),
    ].filter((p) => !fs.existsSync(p));
    if (missing.length > 0) {
      console.log(`      (skipped: ${missing.join(', ')} missing; run bash scripts/setup.sh)`);
      this.skip();
    }
    browser = await launchOrSkip(this);
    fs.mkdirSync(path.join(PROJECT_ROOT, 'test', 'out'), { recursive: true });
    dir = fs.mkdtempSync(path.join(PROJECT_ROOT, 'test', 'out', 'frontends-'));
    writeNotebook(path.join(dir, 'widgets.ipynb'));
  });
  after(async () => {
    for (const s of servers) s.kill('SIGTERM');
    await browser?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the executed notebook exported to HTML shows working widgets offline', async () => {
    const jupyterPath = writeTslabKernelSpec(path.join(dir, 'k'));
    const executed = path.join(dir, 'executed.ipynb');
    const env = { ...process.env, JUPYTER_PATH: jupyterPath, XL_QUICK: '1' };
    execFileSync(
      PY,
      [
        path.join(PROJECT_ROOT, 'scripts', 'execute-notebook.py'),
        path.join(dir, 'widgets.ipynb'),
        executed,
        '--timeout',
        '300',
      ],
      { env, stdio: 'pipe' },
    );
    execFileSync(PY, ['-m', 'nbconvert', '--to', 'html', '--output', 'exported', executed], {
      env,
      stdio: 'pipe',
    });
    const { page, blocked, errors } = await offlinePage(browser as Browser);
    await page.goto(`file://${path.join(dir, 'exported.html')}`);
    await checkWidgets(page, 60000);
    // nbconvert's page template itself links require.js and MathJax from a CDN (refused here); our outputs ask for nothing
    const ours = blocked.filter((u) => !/\/(require\.js\/|mathjax\/)/i.test(u));
    console.log(
      `      nbconvert template requests refused: ${blocked.length - ours.length}; from the outputs: ${ours.length}`,
    );
    assert.deepEqual(ours, []);
    assert.deepEqual(
      errors.filter((e) => !/net::ERR_FAILED|require is not defined|MathJax/i.test(e)),
      [],
    );
  });

  for (const app of ['notebook', 'lab'] as const) {
    it(`${app === 'notebook' ? "Debian's classic Notebook" : 'JupyterLab'}: the cells run live and the widgets work`, async function () {
      let jupyter = CLASSIC_JUPYTER;
      if (app === 'lab') {
        const lab = findJupyterLab();
        if ('reason' in lab) {
          console.log(`      (skipped: ${lab.reason})`);
          this.skip();
        }
        jupyter = (lab as { jupyter: string }).jupyter;
      }
      const token = crypto.randomBytes(16).toString('hex');
      const started = await startJupyter(jupyter, app, path.join(dir, app), token, dir);
      servers.push(started.proc);
      const page = await (browser as Browser).newPage({ viewport: { width: 1200, height: 900 } });
      let external: string[] = [];
      if (app === 'notebook') {
        external = await runClassicNotebook(page, started.url, 'widgets.ipynb', token);
      } else {
        page.on('request', (r) => {
          const u = r.url();
          if (!u.startsWith(started.url) && !u.startsWith('data:') && !u.startsWith('blob:'))
            external.push(u);
        });
        await page.goto(`${started.url}lab/tree/widgets.ipynb?token=${token}`);
        type App = { commands: { execute(id: string): Promise<unknown> } };
        await page.waitForFunction(
          () => (window as unknown as { jupyterapp?: App }).jupyterapp !== undefined,
          null,
          { timeout: 120000 },
        );
        await page.waitForSelector('.jp-Notebook .jp-Cell', { timeout: 120000 });
        // the kernel must be idle (started) before running all cells
        await page.waitForFunction(
          () => document.querySelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]') !== null,
          null,
          { timeout: 120000 },
        );
        const runAll = () =>
          page.evaluate(() => {
            void (window as unknown as { jupyterapp: App }).jupyterapp.commands.execute(
              'notebook:run-all-cells',
            );
          });
        await runAll();
        // JupyterLab may still ask which kernel to use (another kernel spec is registered): TypeScript, then run again
        await page.waitForTimeout(3000);
        if ((await page.locator('.jp-Dialog select').count()) > 0) {
          await page.locator('.jp-Dialog select').selectOption({ label: 'TypeScript' });
          await page.locator('.jp-Dialog .jp-mod-accept').click();
          await page.waitForTimeout(2000);
          await runAll();
        }
      }
      await checkWidgets(page, 240000);
      assert.deepEqual(external, [], 'no request left the machine');
      await page.close();
    });
  }
});
