/** JSON parsing with FormatErrors that name the file and line, and field-path helpers for readers. */
import { FormatError } from '../../errors';
import { describe } from '../../util';
import { fileLabel } from './text';

/** Parses JSON text; a syntax error becomes a FormatError naming the file and (when known) the line. */
export function parseJsonText(fn: string, text: string, file?: string): unknown {
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(t);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    let line: number | undefined;
    if (pos) {
      line = 1;
      const end = Math.min(Number(pos[1]), t.length);
      for (let i = 0; i < end; i++) if (t.charCodeAt(i) === 10) line++;
    } else if (t.trim() === '') {
      line = 1;
    } else if (/end of JSON input/.test(msg)) {
      // truncated: the error is at the last line
      line = t.replace(/\s+$/, '').split('\n').length;
    }
    const where = line !== undefined ? `${fileLabel(file)} line ${line}` : fileLabel(file);
    const what =
      t.trim() === ''
        ? 'expected JSON, got an empty file'
        : `expected valid JSON, got a syntax error (${msg})`;
    throw new FormatError(`${fn}: ${where}: ${what}`, { file, line });
  }
}

/** Builds errors for a JSON document: `fn: file: field a.b[3]: expected …, got …`. */
export class JsonFields {
  constructor(
    readonly fn: string,
    readonly file: string | undefined,
  ) {}

  fail(field: string, expected: string, got: unknown): never {
    throw new FormatError(
      `${this.fn}: ${fileLabel(this.file)}: field ${field}: expected ${expected}, got ${describeJson(got)}`,
      {
        file: this.file,
      },
    );
  }

  object(v: unknown, field: string): Record<string, unknown> {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(field, 'an object', v);
    return v as Record<string, unknown>;
  }

  array(v: unknown, field: string): unknown[] {
    if (!Array.isArray(v)) this.fail(field, 'an array', v);
    return v as unknown[];
  }

  number(v: unknown, field: string): number {
    if (typeof v !== 'number' || !Number.isFinite(Math.fround(v))) this.fail(field, 'a finite number', v);
    return v as number;
  }

  integer(v: unknown, field: string, min = -Infinity): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      this.fail(field, Number.isFinite(min) ? `an integer ≥ ${min}` : 'an integer', v);
    }
    return v as number;
  }

  string(v: unknown, field: string): string {
    if (typeof v !== 'string') this.fail(field, 'a string', v);
    return v as string;
  }
}

/** A short description of a parsed JSON value. */
export function describeJson(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'boolean') return String(v);
  return describe(v);
}
