import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ShapeError, ValueError, viz } from '../src';
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
