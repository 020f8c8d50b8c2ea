/**
 * `npm run bench [name …] [--quick]`: runs bench/<name>.bench.ts one after another (heavy benchmarks must not
 * overlap on this 2-core machine) and prints each table as Markdown, with the date and machine on top.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Bench, BenchTable } from './types';

function fmt(v: string | number): string {
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(2);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(3);
}

export function tableToMarkdown(t: BenchTable): string {
  const lines = [
    `### ${t.title}`,
    '',
    `| ${t.columns.join(' | ')} |`,
    `| ${t.columns.map(() => '---').join(' | ')} |`,
  ];
  for (const r of t.rows) lines.push(`| ${r.map(fmt).join(' | ')} |`);
  for (const n of t.notes ?? []) lines.push('', n);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick') || ['1', 'true'].includes(process.env.XL_QUICK ?? '');
  const all = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.replace(/\.bench\.ts$/, ''))
    .sort();
  const names = args.filter((a) => !a.startsWith('--'));
  for (const n of names) {
    if (!all.includes(n)) throw new Error(`bench: unknown benchmark '${n}'; available: ${all.join(', ')}`);
  }
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  console.log(
    `# Benchmarks ${new Date().toISOString().slice(0, 10)} — ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}${quick ? ' (quick mode)' : ''}\n`,
  );
  for (const n of names.length ? names : all) {
    const mod = (await import(path.join(__dirname, `${n}.bench.ts`))) as { default: Bench };
    const t0 = Date.now();
    const tables = await mod.default({ quick });
    for (const t of tables) console.log(tableToMarkdown(t) + '\n');
    console.log(`(${n}: ${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
