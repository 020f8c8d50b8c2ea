// The one Node global the bundled library code names: src/util/warnings.ts (imported as a type by
// src/reasoning/heatmap.ts) echoes to process.stderr only when a caller constructs `new Warnings(true)`,
// which no widget does. Declared here, narrowly, so the widgets type-check without Node's types.
declare const process: { stderr: { write(s: string): boolean } };
