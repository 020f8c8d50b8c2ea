/** Small text helpers shared by the line-based readers (strict numbers, line splitting, quoting). */

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses one decimal number token strictly (no `NaN`, `Infinity`, hex, or trailing garbage) and
 * returns `undefined` unless it is finite and representable as a float32.
 */
export function parseFiniteNumber(token: string): number | undefined {
  if (!NUMBER_RE.test(token)) return undefined;
  const v = Number(token);
  return Number.isFinite(Math.fround(v)) ? v : undefined;
}

/** Splits text into lines on LF, CRLF or lone CR, dropping a leading byte-order mark. */
export function splitLines(text: string): string[] {
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return t.split(/\r\n|\r|\n/);
}

/** Quotes a value for an error message, shortened to 40 characters. */
export function quote(s: string): string {
  return JSON.stringify(s.length > 40 ? s.slice(0, 40) + '…' : s);
}

/** The file name used in error messages when a parser is given text or bytes without a file. */
export function fileLabel(file: string | undefined): string {
  return file ?? '<input>';
}

/**
 * Formats a number with `decimals` digits after the point and trailing zeros removed
 * (`12.500000` → `12.5`, `3.000000` → `3`), never `-0`.
 */
export function formatNumber(v: number, decimals: number): string {
  let s = v.toFixed(decimals);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}
