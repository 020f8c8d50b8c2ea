/** Locates files shipped with the package (the `data/` folder), from `src/` under tsx and `dist/` alike. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EnvironmentError } from '../errors';

let root: string | null = null;

/** The package root: the nearest folder above this file whose package.json is named exemplar-landmarks. */
export function packageRoot(): string {
  if (root !== null) return root;
  let dir = __dirname;
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        if ((JSON.parse(fs.readFileSync(pj, 'utf8')) as { name?: string }).name === 'exemplar-landmarks') {
          root = dir;
          return dir;
        }
      } catch {
        // not ours; keep walking up
      }
    }
    const up = path.dirname(dir);
    if (up === dir)
      throw new EnvironmentError(`packageRoot: no package.json of exemplar-landmarks above ${__dirname}`);
    dir = up;
  }
}

/** Absolute path of a file in the package's `data/` folder. */
export function dataPath(...parts: string[]): string {
  return path.join(packageRoot(), 'data', ...parts);
}

/** True when the environment asks for quick mode (`XL_QUICK=1`): smaller data and training, same code paths. */
export function isQuick(): boolean {
  const v = process.env.XL_QUICK;
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}
