/**
 * Live progress through a real tslab kernel: a scratch notebook (under test/, so that 'exemplar-landmarks'
 * resolves to this checkout's dist/ through node_modules) runs viz.liveProgress, executed by nbclient (the
 * engine of `jupyter nbconvert --execute`, which applies update_display_data by display_id as the front
 * ends do). The cell must end with ONE display output, the summary: every step replaced it in place.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../helpers';
import { writeTslabKernelSpec } from './jupyter';

const PY = '/usr/bin/python3';

describe('kernel: live progress updates one output in place (tslab + nbclient)', function () {
  this.timeout(300000);
  let dir = '';

  before(function () {
    const missing = [
      PY,
      path.join(PROJECT_ROOT, 'dist', 'index.js'),
      path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tslab'),
      path.join(PROJECT_ROOT, 'node_modules', 'exemplar-landmarks'),
    ].filter((p) => !fs.existsSync(p));
    if (missing.length > 0) {
      console.log(`      (skipped: ${missing.join(', ')} missing; run bash scripts/setup.sh)`);
      this.skip();
    }
    fs.mkdirSync(path.join(PROJECT_ROOT, 'test', 'out'), { recursive: true });
    dir = fs.mkdtempSync(path.join(PROJECT_ROOT, 'test', 'out', 'progress-'));
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('steps replace one display; the summary is what remains', () => {
    const jupyterPath = writeTslabKernelSpec(dir);
    const source = [
      "import { viz } from 'exemplar-landmarks';",
      "const p = viz.liveProgress({ title: 'scoring', total: 6, minIntervalMs: 0 });",
      'for (let i = 1; i <= 6; i++) { p.update(i, `face ${i}`); await new Promise((r) => setTimeout(r, 100)); }',
      "p.done('6 faces scored');",
      'console.log(`draws ${p.draws}`);',
    ].join('\n');
    const nb = {
      cells: [{ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source }],
      metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
      nbformat: 4,
      nbformat_minor: 5,
    };
    const src = path.join(dir, 'progress.ipynb');
    const dst = path.join(dir, 'progress.out.ipynb');
    fs.writeFileSync(src, JSON.stringify(nb));
    execFileSync(
      PY,
      [
        path.join(PROJECT_ROOT, 'scripts', 'execute-notebook.py'),
        src,
        dst,
        '--kernel',
        'tslab',
        '--timeout',
        '240',
      ],
      { env: { ...process.env, JUPYTER_PATH: jupyterPath }, stdio: 'pipe' },
    );
    type Output = { output_type: string; text?: string[] | string; data?: Record<string, string | string[]> };
    const out = JSON.parse(fs.readFileSync(dst, 'utf8')) as { cells: Array<{ outputs: Output[] }> };
    const outputs = out.cells[0].outputs;
    const displays = outputs.filter((o) => o.output_type === 'display_data');
    assert.equal(
      displays.length,
      1,
      `one display output, got ${JSON.stringify(outputs.map((o) => o.output_type))}`,
    );
    const html = ([] as string[]).concat(displays[0].data?.['text/html'] ?? []).join('');
    assert.match(html, /data-finished="1"/);
    assert.match(html, /6 faces scored/);
    const text = outputs
      .filter((o) => o.output_type === 'stream')
      .map((o) => ([] as string[]).concat(o.text ?? []).join(''))
      .join('');
    assert.match(text, /draws 7/, 'six steps and the summary were drawn into that one output');
  });
});
