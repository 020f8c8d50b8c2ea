/**
 * The project's named errors. Every message names the function, the argument (or file and line),
 * what was expected and what came, e.g. `readPts: ./a.pts line 7: expected "x y", got "12.5"`.
 */

/** Base class: lets callers catch everything this library throws on bad input. */
export class ExemplarError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** An argument has the wrong shape, length, size or point count. */
export class ShapeError extends ExemplarError {}

/** An argument has a value outside what is allowed (NaN, infinite, negative size, unknown name, …). */
export class ValueError extends ExemplarError {}

/** A file or buffer does not follow its format. `file` and `line` are set when known. */
export class FormatError extends ExemplarError {
  readonly file?: string;
  readonly line?: number;
  constructor(message: string, where: { file?: string; line?: number } = {}) {
    super(message);
    this.file = where.file;
    this.line = where.line;
  }
}

/** Something that must be fitted, trained or loaded first was used before. */
export class NotFittedError extends ExemplarError {}

/** A requested backend, binary or optional dependency is unavailable. */
export class EnvironmentError extends ExemplarError {}

/** Training produced a non-finite loss or a checkpoint does not match the model. */
export class TrainingError extends ExemplarError {}
