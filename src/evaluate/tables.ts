/**
 * Results as danfojs-node DataFrames, and DataFrames as HTML tables for a tslab notebook (`viz.show(html)`).
 *
 * danfojs-node is required on first use only (it loads in ~2 s and pulls xlsx, mathjs, papaparse, …): importing
 * the library, `evaluate` or the widgets never loads it. Its `@tensorflow/tfjs-node` is pointed at the project's
 * `@tensorflow/tfjs` 4.22 by package.json "overrides", so the tree holds one tfjs-core.
 */
import type { DataFrame } from 'danfojs-node';
import { EnvironmentError, ValueError } from '../errors';
import { assertInteger, describe } from '../util/validate';

export type { DataFrame };

type Danfo = typeof import('danfojs-node');
let danfoModule: Danfo | null = null;

/** The danfojs-node module, required on first call. Throws EnvironmentError when it is not installed. */
export function danfo(): Danfo {
  if (danfoModule === null) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only tables load danfo
      danfoModule = require('danfojs-node') as Danfo;
    } catch (e) {
      throw new EnvironmentError(
        `evaluate.tables: cannot load danfojs-node (${(e as Error).message}); install it with npm install danfojs-node@1.2.0 xlsx@0.18.5 and the package.json overrides (docs/evaluation.md)`,
      );
    }
  }
  return danfoModule;
}

/** A table cell: what the protocol's rows hold. */
export type Cell = string | number | boolean;

/** Options of {@link toDataFrame}. */
export interface ToDataFrameOptions {
  /** Columns, in order. @default the keys of the first row */
  columns?: readonly string[];
}

/**
 * A DataFrame from row objects (e.g. `evaluateProtocol(...).rows`): one column per key, one row per object.
 * @example evaluate.toDataFrame(result.rows, { columns: ['method', 'subset', 'mean', 'auc'] }).print()
 */
export function toDataFrame(rows: ReadonlyArray<object>, opts: ToDataFrameOptions = {}): DataFrame {
  const fn = 'toDataFrame';
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new ValueError(
      `${fn}: argument 'rows' expected a non-empty array of objects, got ${describe(rows)}`,
    );
  }
  const columns = opts.columns ?? Object.keys(rows[0] ?? {});
  const data: Record<string, Cell[]> = {};
  for (const c of columns) data[c] = [];
  rows.forEach((r, i) => {
    for (const c of columns) {
      const v = (r as Record<string, unknown> | null)?.[c];
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
        throw new ValueError(
          `${fn}: argument 'rows[${i}].${c}' expected a string, number or boolean, got ${describe(v)}`,
        );
      }
      data[c].push(v);
    }
  });
  return new (danfo().DataFrame)(data);
}

/** Options of {@link dataFrameHtml}. */
export interface DataFrameHtmlOptions {
  /** Digits after the point for non-integer numbers. @default 4 */
  decimals?: number;
  /** A caption above the table. @default none */
  caption?: string;
}

const escape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * An HTML `<table>` of a DataFrame (columns as header, numbers right-aligned), for `viz.show` in tslab.
 * @example viz.show(evaluate.dataFrameHtml(df, { caption: 'Table 1' }))
 */
export function dataFrameHtml(df: DataFrame, opts: DataFrameHtmlOptions = {}): string {
  const fn = 'dataFrameHtml';
  if (df === null || typeof df !== 'object' || !Array.isArray((df as DataFrame).columns)) {
    throw new ValueError(`${fn}: argument 'df' expected a danfojs DataFrame, got ${describe(df)}`);
  }
  const decimals = opts.decimals ?? 4;
  assertInteger(fn, 'decimals', decimals, 0, 12);
  const cols = df.columns as string[];
  const values = df.values as unknown[][];
  const cell = (v: unknown): string => {
    if (typeof v === 'number') {
      const t = Number.isInteger(v) ? String(v) : v.toFixed(decimals);
      return `<td style="text-align:right">${t}</td>`;
    }
    return `<td style="text-align:left">${escape(String(v))}</td>`;
  };
  const head = cols.map((c) => `<th style="text-align:left">${escape(c)}</th>`).join('');
  const body = values.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('\n');
  const caption = opts.caption ? `<caption style="text-align:left">${escape(opts.caption)}</caption>` : '';
  return `<table class="xl-table">${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}

/**
 * The protocol's rows as a DataFrame with the usual column order (method, subset, normalization, points, n, mean,
 * median, auc, failureRate).
 * @example viz.show(evaluate.dataFrameHtml(evaluate.protocolTable(evaluate.evaluateProtocol(gts, 68, methods).rows)))
 */
export function protocolTable(rows: ReadonlyArray<object>): DataFrame {
  return toDataFrame(rows, {
    columns: ['method', 'subset', 'normalization', 'points', 'n', 'mean', 'median', 'auc', 'failureRate'],
  });
}
