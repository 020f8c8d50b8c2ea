import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ShapeError, ValueError, reasoning, viz } from '../src';
import { tslabDisplay } from '../src/internal';
import { expectClose } from './helpers';

const SNAPSHOTS = path.join(__dirname, 'snapshots');

/** Numbers rounded to 3 decimals, recursively (snapshots ignore float noise below that). */
function rounded(v: unknown): unknown {
  if (typeof v === 'number') return Math.round(v * 1000) / 1000 + 0; // + 0 turns -0 into 0
  if (Array.isArray(v)) return v.map(rounded);
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rounded(x)]));
  }
  return v;
}

/**
 * Compares `value` with test/snapshots/viz-<name>.json (formatted by prettier, as `npm run lint` checks
 * every JSON file). A missing snapshot is written (commit it); a mismatch writes viz-<name>-changed.json
 * beside it and fails.
 */
async function matchSnapshot(name: string, value: unknown): Promise<void> {
  const file = path.join(SNAPSHOTS, `viz-${name}.json`);
  const prettier = await import('prettier');
  const config = (await prettier.resolveConfig(file)) ?? {};
  const text = await prettier.format(JSON.stringify(rounded(value)), { ...config, parser: 'json' });
  const changed = file.replace(/\.json$/, '-changed.json');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(SNAPSHOTS, { recursive: true });
    fs.writeFileSync(file, text);
    return;
  }
  if (fs.readFileSync(file, 'utf8') !== text) {
    fs.writeFileSync(changed, text);
    assert.fail(`figure spec ${name} differs from ${file}; see ${changed}`);
  }
  if (fs.existsSync(changed)) fs.unlinkSync(changed);
}

describe('viz figures', () => {
  it('lineFigure builds plain-data traces (snapshot)', async () => {
    const fig = viz.lineFigure(
      [
        { name: 'train', y: new Float32Array([1, 0.5, 0.25, 0.125]) },
        { name: 'val', x: [0, 2], y: [1.1, 0.6], mode: 'lines+markers' },
      ],
      { title: 'loss', xTitle: 'step', yTitle: 'loss', logY: true },
    );
    assert.equal(fig.data.length, 2);
    assert.ok(Array.isArray(fig.data[0].y), 'typed arrays become plain arrays');
    assert.deepEqual(fig.data[0].x, [0, 1, 2, 3]);
    assert.equal((fig.layout.yaxis as { type: string }).type, 'log');
    assert.deepEqual(JSON.parse(JSON.stringify(fig)), fig, 'JSON round trip is lossless');
    await matchSnapshot('line', fig);
  });

  it('barFigure and histogramFigure count correctly (snapshot)', async () => {
    const bar = viz.barFigure([{ name: 'nme', x: ['jaw', 'eyes'], y: [0.05, 0.02] }], { yTitle: 'NME' });
    assert.deepEqual(bar.data[0].y, [0.05, 0.02]);
    await matchSnapshot('bar', bar);
    const hist = viz.histogramFigure([{ name: 'a', values: [0, 0.1, 0.5, 0.9, 1, 2] }], {
      bins: 2,
      range: [0, 1],
    });
    assert.deepEqual(hist.data[0].y, [2, 3], '2 is out of range and dropped; 1 falls in the last bin');
    assert.deepEqual(hist.data[0].x, [0.25, 0.75]);
    const norm = viz.histogramFigure([{ values: new Float64Array([1, 1, 3]) }], { bins: 2, normalize: true });
    expectClose(norm.data[0].y as number[], [2 / 3, 1 / 3], 1e-12);
    await matchSnapshot('histogram', hist);
  });

  it('heatmapFigure reshapes row-major values into rows (snapshot)', async () => {
    const fig = viz.heatmapFigure(new Float32Array([1, 2, 3, 4, 5, 6]), 2, 3, { xLabels: ['a', 'b', 'c'] });
    assert.deepEqual(fig.data[0].z, [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    await matchSnapshot('heatmap', fig);
  });

  it('cedCurve gives the known fractions, exact AUC and failure rate', () => {
    const ced = viz.cedCurve([0.04, 0.01, 0.1, 0.02], 0.08, 4);
    expectClose(ced.thresholds, [0, 0.02, 0.04, 0.06, 0.08], 1e-15);
    expectClose(ced.fractions, [0, 0.5, 0.75, 0.75, 0.75], 0);
    // AUC = mean(max(0, 0.08 - e)) / 0.08 = (0.07 + 0.06 + 0.04 + 0) / 4 / 0.08
    assert.ok(Math.abs(ced.auc - 0.53125) < 1e-12, `auc ${ced.auc}`);
    assert.equal(ced.failureRate, 0.25);
    // the exact AUC agrees with integrating a fine grid
    const fine = viz.cedCurve([0.04, 0.01, 0.1, 0.02], 0.08, 100000);
    let area = 0;
    for (let i = 1; i < fine.fractions.length; i++) area += fine.fractions[i] / 100000;
    assert.ok(Math.abs(area - ced.auc) < 1e-4);
  });

  it('cedFigure puts AUC and failure rate in the legend (snapshot)', async () => {
    const fig = viz.cedFigure(
      [
        { name: 'A', errors: new Float32Array([0.01, 0.02, 0.03, 0.2]) },
        { name: 'B', errors: [0.05, 0.06] },
      ],
      { maxError: 0.08, steps: 8 },
    );
    assert.match(fig.data[0].name as string, /^A \(AUC 0\.563, fail 25\.0%\)$/);
    assert.deepEqual(fig.data[1].y, [0, 0, 0, 0, 0, 0.5, 1, 1, 1]);
    await matchSnapshot('ced', fig);
  });

  it('rejects bad input with named errors', () => {
    assert.throws(
      () => viz.cedCurve([0.1, Number.NaN]),
      (e: Error) => e instanceof ValueError && /cedCurve: argument 'errors'.*NaN at index 1/.test(e.message),
    );
    assert.throws(() => viz.cedCurve([]), ShapeError);
    assert.throws(
      () => viz.lineFigure([{ x: [1, 2], y: [1, 2, 3] }]),
      (e: Error) => e instanceof ShapeError && /series\[0\]\.x' expected length 3/.test(e.message),
    );
    assert.throws(() => viz.heatmapFigure([1, 2, 3], 2, 2), ShapeError);
    assert.throws(() => viz.histogramFigure([{ values: [1] }], { range: [1, 1] }), ValueError);
  });

  it('figureHtml embeds the spec safely and standalone pages inline the bundle once', () => {
    const fig = viz.barFigure([{ name: '</script><b>', x: ['a'], y: [1] }]);
    const frag = viz.figureHtml(fig);
    assert.ok(!frag.includes('</script><b>'), 'no raw </script> from the data');
    assert.ok(!frag.includes('window.Plotly = Plotly'), 'fragments do not carry the bundle');
    assert.match(frag, /data-xl-figure="[0-9a-f]{8}"/);
    const page = viz.figureHtml(fig, { standalone: true, title: 'a<b' });
    assert.match(page, /^<!DOCTYPE html>/);
    assert.equal(page.split('window.Plotly = Plotly').length, 2, 'bundle inlined exactly once');
    assert.ok(!/src="http/.test(page), 'no external script');
    assert.throws(() => viz.figureHtml({} as viz.Figure), ValueError);
  });

  it('show returns HTML or PNG outside tslab and uses an injected display', () => {
    const fig = viz.lineFigure([{ y: [1, 2] }]);
    assert.equal(tslabDisplay(), null);
    assert.equal(viz.show(fig), viz.figureHtml(fig));
    assert.equal(viz.show('<b>x</b>'), '<b>x</b>');
    const png = viz.show({ width: 2, height: 2, channels: 1, data: new Uint8Array(4) });
    assert.ok(Buffer.isBuffer(png) && png[1] === 0x50);
    const seen: string[] = [];
    const display = { html: (s: string) => seen.push(s), png: () => seen.push('png') };
    assert.equal(viz.show(fig, { display }), undefined);
    assert.equal(viz.show(fig, { display }), undefined);
    assert.ok(seen[0].includes('window.Plotly = Plotly'), 'first figure carries the bundle');
    assert.ok(!seen[1].includes('window.Plotly = Plotly'), 'later figures do not');
    assert.throws(() => viz.show(42 as unknown as string), ValueError);
  });
});

describe('viz result figures', () => {
  it('trainingFigure puts the validation error on a second axis and marks the best epoch (snapshot)', async () => {
    const history = [
      { epoch: 1, loss: 2.5, validationError: 0.09, imagesPerSecond: 50 },
      { epoch: 2, loss: 1.25, validationError: 0.07, imagesPerSecond: 51 },
      { epoch: 3, loss: 0.8, imagesPerSecond: 52 },
    ];
    const fig = viz.trainingFigure([{ name: 'multiLabel', history }], { bestEpoch: 2, logLoss: true });
    assert.equal(fig.data.length, 2);
    assert.deepEqual(fig.data[1].x, [1, 2], 'epochs without validation are left out of the error curve');
    assert.equal(fig.data[1].yaxis, 'y2');
    assert.equal((fig.layout.shapes as Array<{ x0: number }>)[0].x0, 2);
    await matchSnapshot('training', fig);
    assert.throws(
      () => viz.trainingFigure([{ name: 'a', history: [{ epoch: 1, loss: Number.NaN }] }]),
      (e: Error) =>
        e instanceof ValueError && /trainingFigure: argument 'runs\[0\]\.history\[\]\.loss'/.test(e.message),
    );
    assert.throws(() => viz.trainingFigure([{ name: 'a', history: [] }]), ShapeError);
  });

  it('marginalsFigure lays out one subplot per attribute with interval and mean (snapshot)', async () => {
    const fig = viz.marginalsFigure([
      {
        attribute: 'yaw',
        centers: [-30, 0, 30],
        mass: [0.2, 0.5, 0.3],
        mean: 3,
        intervals: [
          { level: 0.5, lo: 0, hi: 10 },
          { level: 0.95, lo: -30, hi: 30 },
        ],
      },
      { attribute: 'roll', centers: [-10, 0, 10], mass: new Float32Array([0.1, 0.8, 0.1]) },
    ]);
    assert.equal(fig.data.length, 2);
    assert.equal(fig.data[1].xaxis, 'x2');
    assert.deepEqual((fig.layout.xaxis as { domain: number[] }).domain, [0, 0.47]);
    assert.match(
      (fig.layout.xaxis as { title: { text: string } }).title.text,
      /^yaw · mean 3\.0 · 95% \[-30\.0, 30\.0\]$/,
    );
    assert.equal((fig.layout.shapes as unknown[]).length, 2);
    await matchSnapshot('marginals', fig);
    assert.throws(
      () => viz.marginalsFigure([{ attribute: 'yaw', centers: [0, 1], mass: [0.5, -0.5] }]),
      /marginals\[0\]\.mass' expected non-negative/,
    );
    assert.throws(
      () =>
        viz.marginalsFigure([
          { attribute: 'yaw', centers: [0, 1], mass: [1, 0], intervals: [{ level: 0.95, lo: 2, hi: 1 }] },
        ]),
      /expected lo <= hi, got \[2, 1\]/,
    );
  });

  it('marginalsFigure draws reasoning.attributeMarginal results as they are', () => {
    const table = {
      K: 3,
      nPoints: 1,
      centers: new Float32Array([0.5, 0.5, 0.4, 0.5, 0.6, 0.5]),
      sigma: new Float32Array([0.01, 0.01, 0.01]),
      pose: new Float32Array([-40, 0, 5, 0, 0, 0, 40, 0, -5]),
      visibility: new Float32Array([1, 1, 1]),
    };
    const p = new Float64Array([0.25, 0.5, 0.25]);
    const ms = (['yaw', 'roll'] as const).map((attribute) =>
      reasoning.attributeMarginal(p, table, { attribute }),
    );
    const fig = viz.marginalsFigure(ms);
    assert.deepEqual(fig.data[0].y, Array.from(ms[0].mass));
    assert.match((fig.layout.xaxis2 as { title: { text: string } }).title.text, /^roll · mean 0\.0 · 95% /);
  });

  it('membershipSizeFigure and errorVsKFigure summarise the paper plots (snapshots)', async () => {
    const sizes = viz.membershipSizeFigure([0, 1, 1, 2, 5, 9, 9, 10], { bins: 5, tau: 0.05 });
    assert.deepEqual(sizes.data[0].y, [3, 1, 1, 0, 3]);
    assert.match(
      (sizes.layout.title as { text: string }).text,
      /^\|M_i\| at tau = 0\.05: mean 4\.6, empty 12\.5%$/,
    );
    await matchSnapshot('membership-sizes', sizes);
    const rows = [
      { loss: 'softmax', K: 100, landmarkError: 0.06 },
      { loss: 'softmax', K: 10, landmarkError: 0.08 },
      { loss: 'multiLabel', K: 10, landmarkError: 0.07 },
      { loss: 'multiLabel', K: 500, landmarkError: 0.04, exemplar: true },
    ];
    const k = viz.errorVsKFigure(rows);
    assert.deepEqual(
      k.data.map((t) => [t.name, t.x]),
      [
        ['softmax', [10, 100]],
        ['multiLabel', [10, 500]],
      ],
    );
    assert.deepEqual((k.data[1].marker as { symbol: string[] }).symbol, ['circle', 'star']);
    assert.equal((k.layout.xaxis as { type: string }).type, 'log');
    await matchSnapshot('error-vs-k', k);
    assert.throws(() => viz.membershipSizeFigure([]), ShapeError);
    assert.throws(() => viz.errorVsKFigure([{ loss: 'a', K: Number.NaN, landmarkError: 1 }]), ValueError);
  });

  it("riskCoverageFigure and calibrationFigure draw the reasoning module's results (snapshots)", async () => {
    const curve = reasoning.riskCoverage([0.3, 0.1, 0.2, 0.4], [0.09, 0.01, 0.02, 0.2], { steps: 4 });
    const fig = viz.riskCoverageFigure([{ name: 'spread', curve }]);
    assert.equal(fig.data.length, 2, 'the curve and its oracle');
    assert.deepEqual(
      fig.data[0].x,
      curve.points.map((q) => q.coverage),
    );
    assert.match(fig.data[1].name as string, /^oracle \(area /);
    await matchSnapshot('risk-coverage', fig);
    const cal = viz.calibrationFigure([
      {
        name: 'yaw',
        rows: [
          { level: 0.5, coverage: 0.4 },
          { level: 0.9, coverage: 0.85 },
        ],
      },
    ]);
    assert.deepEqual(cal.data[0].x, [0, 1], 'the diagonal comes first');
    assert.deepEqual(cal.data[1].y, [0.4, 0.85]);
    await matchSnapshot('calibration', cal);
    assert.throws(
      () => viz.riskCoverageFigure([{ name: 'a', curve: {} as viz.RiskCoverageView }]),
      ShapeError,
    );
    assert.throws(
      () => viz.calibrationFigure([{ name: 'a', rows: [{ level: 1.5, coverage: 1 }] }]),
      /expected levels and coverages in \[0, 1\]/,
    );
  });

  it('saveFigureHtml and savePng write whole files atomically and check the extension', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xl-viz-file-'));
    try {
      const html = viz.saveFigureHtml(viz.lineFigure([{ y: [1, 2] }]), path.join(dir, 'a.html'));
      assert.match(fs.readFileSync(html, 'utf8'), /^<!DOCTYPE html>[\s\S]*<title>a<\/title>/);
      const png = viz.savePng(
        { width: 2, height: 1, channels: 1, data: new Uint8Array([0, 255]) },
        path.join(dir, 'b.png'),
      );
      assert.equal(fs.readFileSync(png)[1], 0x50);
      assert.deepEqual(fs.readdirSync(dir).sort(), ['a.html', 'b.png'], 'no temporary file left behind');
      assert.throws(
        () =>
          viz.savePng({ width: 1, height: 1, channels: 1, data: new Uint8Array(1) }, path.join(dir, 'c.jpg')),
        ValueError,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
