/**
 * A warnings channel for recoverable trouble (an empty membership set, a skipped broken file, a point
 * outside the image). Functions that can warn take a `Warnings` sink in their options; callers and tests
 * read and count them. There is no global list: a sink is created by whoever wants to collect.
 */
export interface Warning {
  /** Short machine-readable code, e.g. 'skipped-item', 'empty-membership'. */
  code: string;
  /** Human-readable message naming the function and the item. */
  message: string;
}

/** A sink that collects `Warning`s; pass it in a function's options (`{ warnings }`) and read `items` afterwards. */
export class Warnings {
  /** The warnings collected so far, oldest first. */
  readonly items: Warning[] = [];
  /** When true, each warning is also printed to stderr. */
  constructor(readonly echo = false) {}
  /** Records one warning (and prints it when the sink echoes). */
  warn(code: string, message: string): void {
    this.items.push({ code, message });
    if (this.echo) process.stderr.write(`warning: ${message}\n`);
  }
  /** How many warnings were collected, in all or with this code. */
  count(code?: string): number {
    return code === undefined ? this.items.length : this.items.filter((w) => w.code === code).length;
  }
  /** Returns the collected warnings and empties the sink. */
  consume(): Warning[] {
    return this.items.splice(0, this.items.length);
  }
}
