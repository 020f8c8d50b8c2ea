/**
 * Jupyter for the browser tests: a private tslab kernel spec (this checkout's tslab, whatever is
 * registered globally) and a server — Debian's classic Notebook, or JupyterLab from the project-local
 * virtual environment that scripts/start.sh makes (.cache/jupyterlab-venv) or from the system.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { PROJECT_ROOT } from '../helpers';

/** Debian's Jupyter (classic Notebook 6). */
export const CLASSIC_JUPYTER = '/usr/bin/jupyter';
/** Where scripts/start.sh puts JupyterLab when it pip-installs it. */
export const LAB_VENV = path.join(PROJECT_ROOT, '.cache', 'jupyterlab-venv');

/** Writes <dir>/jupyter/kernels/tslab/kernel.json; returns the folder to put first in JUPYTER_PATH. */
export function writeTslabKernelSpec(dir: string): string {
  const kernelDir = path.join(dir, 'jupyter', 'kernels', 'tslab');
  fs.mkdirSync(kernelDir, { recursive: true });
  fs.writeFileSync(
    path.join(kernelDir, 'kernel.json'),
    JSON.stringify({
      argv: [
        path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tslab'),
        'kernel',
        '--config-path',
        '{connection_file}',
      ],
      display_name: 'TypeScript',
      language: 'typescript',
    }),
  );
  return path.join(dir, 'jupyter');
}

/** The jupyter executable that runs JupyterLab here, or why there is none. */
export function findJupyterLab(): { jupyter: string } | { reason: string } {
  const candidates = [path.join(LAB_VENV, 'bin', 'jupyter'), CLASSIC_JUPYTER];
  for (const j of candidates) {
    if (!fs.existsSync(j)) continue;
    const r = spawnSync(j, ['lab', '--version'], { encoding: 'utf8', timeout: 30000 });
    if (r.status === 0) return { jupyter: j };
  }
  return {
    reason:
      `JupyterLab is not installed (no ${path.relative(PROJECT_ROOT, LAB_VENV)}/bin/jupyter-lab and no system jupyter-lab); ` +
      'bash scripts/start.sh installs it with pip where a package index is reachable',
  };
}

/**
 * Starts `jupyter <app>` ('notebook' or 'lab') on `notebookDir` with the private kernel spec; resolves
 * with the process and its base URL once it prints its URL.
 */
export function startJupyter(
  jupyter: string,
  app: 'notebook' | 'lab',
  tmp: string,
  token: string,
  notebookDir = path.join(PROJECT_ROOT, 'notebooks'),
): Promise<{ proc: ChildProcess; url: string }> {
  const jupyterPath = writeTslabKernelSpec(tmp);
  const cls = app === 'notebook' ? 'NotebookApp' : 'ServerApp';
  const args = [
    app,
    '--no-browser',
    '--ip=127.0.0.1',
    `--port=${app === 'notebook' ? 18890 : 18990}`,
    '--port-retries=50',
    `--notebook-dir=${notebookDir}`,
    `--${cls}.token=${token}`,
  ];
  // JupyterLab: window.jupyterapp for the tests to run cells; no announcements fetched from the internet.
  if (app === 'lab') args.push('--LabApp.expose_app_in_browser=True', '--LabApp.news_url=None');
  if (process.getuid?.() === 0) args.push('--allow-root');
  const proc = spawn(jupyter, args, {
    env: {
      ...process.env,
      XL_QUICK: '1',
      JUPYTER_PATH: jupyterPath,
      JUPYTER_RUNTIME_DIR: path.join(tmp, 'runtime'),
      JUPYTER_CONFIG_DIR: path.join(tmp, 'config'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`jupyter ${app} did not start in 60 s:\n${log}`)), 60000);
    const onData = (d: Buffer): void => {
      log += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)(lab)?\?token=/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[1] });
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`jupyter ${app} exited with ${code}:\n${log}`)));
  });
}

/**
 * Opens `notebook` in the classic Notebook at `url` and runs every cell once its kernel is connected
 * (autosave off: the file is never written). Returns the URLs the page requested outside the server.
 */
export async function runClassicNotebook(
  page: Page,
  url: string,
  notebook: string,
  token: string,
): Promise<string[]> {
  const external: string[] = [];
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(url) && !u.startsWith('data:') && !u.startsWith('blob:')) external.push(u);
  });
  await page.goto(`${url}notebooks/${notebook}?token=${token}`);
  type J = {
    notebook: {
      set_autosave_interval(ms: number): void;
      execute_all_cells(): void;
      kernel?: { is_connected(): boolean };
    };
  };
  await page.waitForFunction(
    () => (window as unknown as { Jupyter?: J }).Jupyter?.notebook?.kernel?.is_connected() === true,
    null,
    { timeout: 120000 },
  );
  await page.evaluate(() => {
    const nb = (window as unknown as { Jupyter: J }).Jupyter.notebook;
    nb.set_autosave_interval(0);
    nb.execute_all_cells();
  });
  return external;
}
