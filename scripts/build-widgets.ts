/**
 * Bundles every widgets/src/<name>.ts into widgets/dist/<name>.js: an IIFE that sets the global
 * `xlWidgets.<name>` (the module's exports, `mount` among them). Run by `npm run build`; the browser tests
 * call `buildWidgets` directly.
 */
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const WIDGETS_ROOT = path.resolve(__dirname, '..', 'widgets');

/** Options of `buildWidgets`. */
export interface BuildWidgetsOptions {
  /** Output folder. @default widgets/dist */
  outdir?: string;
  /** Minify the bundles. @default true */
  minify?: boolean;
}

/** Builds all widgets; returns the written files. */
export async function buildWidgets(opts: BuildWidgetsOptions = {}): Promise<string[]> {
  const srcDir = path.join(WIDGETS_ROOT, 'src');
  const outdir = opts.outdir ?? path.join(WIDGETS_ROOT, 'dist');
  const names = fs
    .readdirSync(srcDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
  fs.mkdirSync(outdir, { recursive: true });
  const written: string[] = [];
  for (const name of names) {
    const outfile = path.join(outdir, `${name}.js`);
    await esbuild.build({
      entryPoints: [path.join(srcDir, `${name}.ts`)],
      bundle: true,
      format: 'iife',
      globalName: `xlWidgets.${name}`,
      platform: 'browser',
      target: 'es2020',
      minify: opts.minify ?? true,
      outfile,
      logLevel: 'warning',
    });
    written.push(outfile);
  }
  return written;
}

if (require.main === module) {
  buildWidgets().then(
    (files) => console.log(`widgets: built ${files.map((f) => path.relative(process.cwd(), f)).join(', ')}`),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
