/**
 * The benchmark contract. Each `bench/<name>.bench.ts` exports `default` (a `Bench`); `npm run bench [name …]`
 * (bench/run.ts) runs the named ones (all when none) one after another and prints each table as Markdown.
 * Ratios that a target is stated in are measured side by side in one run and printed in the table.
 */
export interface BenchContext {
  /** XL_QUICK=1 or --quick: small sizes to check that the script works; the numbers mean little. */
  quick: boolean;
}

export interface BenchTable {
  title: string;
  columns: string[];
  rows: Array<Array<string | number>>;
  /** Lines printed under the table: targets, pass/fail verdicts, machine limits. */
  notes?: string[];
}

export type Bench = (ctx: BenchContext) => Promise<BenchTable[]>;
