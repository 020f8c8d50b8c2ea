/**
 * The click-to-condition widget on a real prediction: the shared cached model (experiments.cachedModel,
 * trained once on synthetic hard faces in quick mode, then loaded) predicts a validation face; in the page,
 * clicking the suggested landmark at its true position lowers the error of the other landmarks. Its
 * screenshot is docs/images/widget-click-condition-model.png.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { engine, experiments, model, reasoning, viz } from '../../src';
import { buildWidgets } from '../../scripts/build-widgets';
import { launchOrSkip, offlinePage } from './chromium';
import { expectScreenshot } from './screenshots';

/** Mean point-to-point distance (pixels) over the landmarks not in `skip`. */
function meanError(a: ArrayLike<number>, b: ArrayLike<number>, skip: number): number {
  let s = 0;
  let n = 0;
  for (let j = 0; j < a.length / 2; j++) {
    if (j === skip) continue;
    s += Math.hypot(a[2 * j] - b[2 * j], a[2 * j + 1] - b[2 * j + 1]);
    n++;
  }
  return s / n;
}

describe('browser: clickCondition on a trained model', function () {
  this.timeout(600000);
  let browser: Browser | undefined;
  let dir = '';
  let cached: experiments.CachedModel | undefined;
  const quick = process.env.XL_QUICK;

  before(async function () {
    browser = await launchOrSkip(this);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xl-model-widget-'));
    await buildWidgets();
    await engine.init();
    process.env.XL_QUICK = '1'; // the notebooks' shared quick model (trained here once when not cached)
    cached = await experiments.cachedModel({ progress: 'none' });
  });
  after(async () => {
    if (quick === undefined) delete process.env.XL_QUICK;
    else process.env.XL_QUICK = quick;
    cached?.model.dispose();
    await browser?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('on average, clicking the suggested landmark at its true position brings the others closer (Node, 30 faces)', () => {
    const c = cached as experiments.CachedModel;
    let e0 = 0;
    let e1 = 0;
    let better = 0;
    const faces = c.data.validation.slice(0, 30);
    for (const face of faces) {
      const [pred] = model.predictPosteriors(c.model, [{ image: face.image, box: face.box }]);
      const sp = reasoning.posteriorTop(pred.posterior);
      const j = reasoning.nextClick(sp, c.table, face.box).ranking[0].landmark;
      const before = reasoning.posteriorShape(sp, c.table, face.box);
      const x = face.landmarks[2 * j];
      const y = face.landmarks[2 * j + 1];
      const after = reasoning.posteriorCondition(sp, c.table, face.box, [{ landmark: j, x, y }]).snapped;
      const a = meanError(before, face.landmarks, j);
      const b = meanError(after, face.landmarks, j);
      e0 += a / faces.length;
      e1 += b / faces.length;
      if (b < a) better++;
    }
    console.log(
      `      mean error of the other landmarks ${e0.toFixed(2)} → ${e1.toFixed(2)} px; better on ${better} of ${faces.length} faces`,
    );
    assert.ok(e1 < e0, `mean error ${e0} → ${e1}`);
  });

  it('the widget on a real prediction: one click at the true position of the suggested landmark (screenshot)', async () => {
    const c = cached as experiments.CachedModel;
    const face = c.data.validation[1];
    const [pred] = model.predictPosteriors(c.model, [{ image: face.image, box: face.box }]);
    const st = viz.conditionState(pred.posterior, c.table, face.box, face.image, {
      scale: 4,
      title: `validation face ${face.id}`,
    });
    const file = path.join(dir, 'model.html');
    fs.writeFileSync(file, viz.widgetHtml('clickCondition', { ...st }, { standalone: true }));
    const { page, blocked, errors } = await offlinePage(browser as Browser);
    await page.setViewportSize({ width: 1000, height: 800 });
    await page.goto(`file://${file}`);
    const root = page.locator('.xl-condition');
    await root.waitFor();
    const value = async () =>
      JSON.parse((await root.getAttribute('data-value')) ?? 'null') as viz.ConditionValue;
    const before = await value();
    const j = Number(await page.locator('select.xl-landmark').inputValue());
    const [tx, ty] = [face.landmarks[2 * j], face.landmarks[2 * j + 1]];
    await page
      .locator('.xl-condition canvas')
      .first()
      .click({ position: { x: (tx + 0.5) * 4, y: (ty + 0.5) * 4 } });
    const after = await value();
    const e0 = meanError(before.shape, face.landmarks, j);
    const e1 = meanError(after.shape, face.landmarks, j);
    console.log(
      `      K = ${c.table.K} classes, ${st.K} carried (ε ${st.epsilon.toExponential(1)}); suggested landmark ${j}; ` +
        `mean error of the other landmarks ${e0.toFixed(2)} → ${e1.toFixed(2)} px; update ${after.ms.toFixed(1)} ms`,
    );
    assert.equal(after.clicks.length, 1);
    const mask = { mask: [page.locator('.xl-timing')], maskColor: '#ffffff' }; // the time varies
    await expectScreenshot('widget-click-condition-model', await root.screenshot(mask));
    assert.deepEqual(blocked, []);
    assert.deepEqual(errors, []);
  });
});
