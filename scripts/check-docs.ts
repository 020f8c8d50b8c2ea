/**
 * Checks that the documentation's code compiles against the library: every ```ts block of README.md and of the
 * guides in docs/, and every inline code span that uses the package (`xl.<namespace>.<name>`), is type-checked
 * against src/ (strict TypeScript, in memory: no file is written). Each block becomes its own module: its `import` lines are kept
 * at the top (with 'exemplar-landmarks' pointed at src/), the rest runs inside an async function, and a
 * fixed preamble declares the free variables the examples use (`sample`, `image`, `shape`, `train`, …).
 * Also checks that every repository path named in the documents (`src/…`, `test/…`, …) exists, that every file
 * name in a code span (`train.ts`) is the name of a project file, and that every relative Markdown link
 * (`[x](docs/model.md#anchor)`) points at a file that exists.
 *
 * Usage: `npx tsx scripts/check-docs.ts [README.md …]` prints the problems and exits 1 when there are any; without
 * arguments it checks `docFiles()`: README.md, ARCHITECTURE.md and docs/*.md. test/docs.test.ts runs the same checks.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/** A piece of documentation code and where it came from. */
export interface DocSnippet {
  /** File it was taken from. */
  file: string;
  /** 1-based line of the snippet's first code line in that file. */
  line: number;
  /** The code. */
  code: string;
  /** 'block' (a fenced ```ts block) or 'inline' (a code span). */
  kind: 'block' | 'inline';
}

/** One problem found in the documentation. */
export interface DocProblem {
  file: string;
  line: number;
  message: string;
}

const ROOT = path.resolve(__dirname, '..');

/** Free variables the examples may use without declaring them (their types, from the package). */
const PREAMBLE = `
declare const sample: xl.Sample;
declare const samples: xl.Sample[];
declare const image: xl.Raster;
declare const img: xl.Raster;
declare const photo: xl.Raster;
declare const bytes: Uint8Array;
declare const images: xl.io.DlibImage[];
declare const coco: xl.io.CocoFace[];
declare const rasters: xl.Raster[];
declare const shape: xl.Shape;
declare const s: xl.Shape;
declare const pred: xl.Shape;
declare const gt: xl.Shape;
declare const box: xl.Box;
declare const pipeline: xl.refine.LandmarkPipeline;
declare const detection: xl.Box;
declare const pose: xl.HeadPose;
declare const shapes: Float32Array;
declare const trainShapes: Float32Array;
declare const valShapes: Float32Array;
declare const batchShapes: Float32Array;
declare const preds: Float32Array;
declare const gts: Float32Array;
declare const nme: Float64Array;
declare const errors: Float64Array;
declare const losses: number[];
declare const yaws: number[];
declare const ids: string[];
declare const train: xl.Sample[];
declare const validation: xl.Sample[];
declare const faces: xl.Sample[];
declare const ds: xl.datasets.Dataset;
declare const video: xl.datasets.Dataset;
declare const w300: xl.datasets.Dataset;
declare const warnings: xl.Warnings;
declare const table: xl.classes.ClassTable;
declare const model: xl.model.ExemplarModel;
declare const prediction: xl.model.Prediction;
declare const predictions: xl.model.Prediction[];
declare const posterior: Float32Array;
declare const feature: Float32Array;
declare const features: Float32Array;
declare const values: Float32Array;
declare const rows: number;
declare const cols: number;
declare const x: number;
declare function use(sample: xl.Sample): void;
declare const y: number;
`;

/** The fenced ```ts / ```typescript blocks and the `xl.`-using code spans of a Markdown text. */
export function extractSnippets(markdown: string, file: string): DocSnippet[] {
  const out: DocSnippet[] = [];
  const lines = markdown.split(/\r?\n/);
  let fence: { lang: string; start: number; body: string[] } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const m = /^\s*```(\S*)\s*$/.exec(l);
    if (fence === null) {
      if (m) {
        fence = { lang: m[1], start: i + 2, body: [] };
        continue;
      }
      for (const span of l.matchAll(/`([^`]+)`/g)) {
        if (/^(?:(?:const|let) [^=]+= )?(?:await )?xl\.[a-z]/.test(span[1])) {
          out.push({ file, line: i + 1, code: span[1], kind: 'inline' });
        }
      }
    } else if (m && m[1] === '') {
      if (fence.lang === 'ts' || fence.lang === 'typescript') {
        out.push({ file, line: fence.start, code: fence.body.join('\n'), kind: 'block' });
      }
      fence = null;
    } else {
      fence.body.push(l);
    }
  }
  return out;
}

/** A snippet turned into a module; `offset` = lines before the snippet's first line. */
function snippetModule(sn: DocSnippet): { text: string; offset: number } {
  const srcIndex = JSON.stringify(path.join(ROOT, 'src'));
  const imports: string[] = [`import * as xl from ${srcIndex};`];
  const body: string[] = [];
  for (const l of sn.code.split('\n')) {
    if (/^import .* from ['"][^'"]+['"];?\s*(?:\/\/.*)?$/.test(l)) {
      imports.push(l.replace(/(['"])exemplar-landmarks\1/, srcIndex));
      body.push('');
    } else {
      // `declare const x: T;` is how a guide names an input; inside the snippet's function it becomes a local
      // of that type (same line, so positions stay right; it may shadow a preamble name).
      const d = /^(\s*)declare const (\w+): (.+?);(\s*\/\/.*)?$/.exec(l);
      body.push(d ? `${d[1]}const ${d[2]} = undefined as unknown as ${d[3]};${d[4] ?? ''}` : l);
    }
  }
  // `xl` may be imported again by the snippet itself: then drop ours.
  if (imports.slice(1).some((l) => /import \* as xl /.test(l))) imports.shift();
  const head = [...imports, PREAMBLE, 'export async function snippet(): Promise<void> {'].join('\n');
  const text = `${head}\n${sn.kind === 'inline' ? `${sn.code};` : body.join('\n')}\n}\n`;
  return { text, offset: head.split('\n').length };
}

/**
 * Type-checks the snippets against src/; returns one problem per compiler error, and the public names
 * (namespace → exported names; '' = the top level) for `referenceProblems`.
 */
export function typecheckSnippets(snippets: DocSnippet[]): {
  problems: DocProblem[];
  exports: Map<string, Set<string>>;
} {
  const files = new Map<string, { text: string; offset: number; sn: DocSnippet }>();
  snippets.forEach((sn, i) => {
    const name = path.join(ROOT, `.docs-check-${i}.ts`);
    files.set(name, { ...snippetModule(sn), sn });
  });
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    lib: ['lib.es2022.d.ts'],
    types: ['node'],
    strict: true,
    esModuleInterop: true,
    resolveJsonModule: true,
    skipLibCheck: true,
    noEmit: true,
  };
  const host = ts.createCompilerHost(options);
  const baseGet = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, onError, create) => {
    const v = files.get(path.resolve(name));
    return v ? ts.createSourceFile(name, v.text, lang) : baseGet(name, lang, onError, create);
  };
  const baseExists = host.fileExists.bind(host);
  host.fileExists = (name) => files.has(path.resolve(name)) || baseExists(name);
  const baseRead = host.readFile.bind(host);
  host.readFile = (name) => files.get(path.resolve(name))?.text ?? baseRead(name);
  const index = path.join(ROOT, 'src', 'index.ts');
  const program = ts.createProgram([...files.keys(), index], options, host);
  const problems: DocProblem[] = [];
  for (const [name, v] of files) {
    const sf = program.getSourceFile(name);
    if (!sf) continue;
    const diags = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
    for (const d of diags) {
      const pos = d.start === undefined ? 0 : sf.getLineAndCharacterOfPosition(d.start).line;
      const line = v.sn.kind === 'inline' ? v.sn.line : v.sn.line + Math.max(0, pos - v.offset);
      problems.push({
        file: v.sn.file,
        line,
        message: `${ts.flattenDiagnosticMessageText(d.messageText, '\n')}${v.sn.kind === 'inline' ? ` (in \`${v.sn.code}\`)` : ''}`,
      });
    }
  }
  return { problems, exports: publicNames(program, index) };
}

/** The names src/index.ts exports: top level under '', each namespace's under its name. */
function publicNames(program: ts.Program, index: string): Map<string, Set<string>> {
  const checker = program.getTypeChecker();
  const out = new Map<string, Set<string>>([['', new Set()]]);
  const sf = program.getSourceFile(index);
  const mod = sf && checker.getSymbolAtLocation(sf);
  if (!mod) return out;
  for (const e of checker.getExportsOfModule(mod)) {
    out.get('')?.add(e.name);
    const target = e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e;
    if (target.flags & ts.SymbolFlags.ValueModule) {
      out.set(e.name, new Set(checker.getExportsOfModule(target).map((x) => x.name)));
    }
  }
  return out;
}

/**
 * Rows of the README's reference table (`| \`namespace\` | \`name\`, … |`, or `| top level | … |`): every
 * code-span identifier in the second column must be exported from that namespace. Rows of other tables that
 * start with a code span (`| \`ShapeError\` | …`) must name a top-level export.
 */
export function referenceProblems(
  markdown: string,
  file: string,
  exports: Map<string, Set<string>>,
): DocProblem[] {
  const problems: DocProblem[] = [];
  markdown.split(/\r?\n/).forEach((l, i) => {
    const m = /^\| (?:`(\w+)`|(top level)) \| (.*) \|\s*$/.exec(l);
    if (!m) return;
    const ns = m[1] ?? '';
    const names = exports.get(ns);
    if (!names) {
      // Other tables (e.g. the errors) start with a top-level name: it must exist.
      if (!exports.get('')?.has(ns)) {
        problems.push({ file, line: i + 1, message: `'${ns}' is not exported from src/index.ts` });
      }
      return;
    }
    for (const span of m[3].matchAll(/`(\w+)`/g)) {
      if (!names.has(span[1])) {
        problems.push({
          file,
          line: i + 1,
          message: `'${span[1]}' is not exported from ${ns ? `namespace '${ns}'` : 'src/index.ts'}`,
        });
      }
    }
  });
  return problems;
}

/** Build outputs (git-ignored): named in the docs, absent from a fresh clone. */
const BUILD_OUTPUTS = /^(?:dist|widgets\/dist|bench\/out|test\/out|docs\/api)(?:\/|$)/;

/**
 * Repository paths named in a Markdown text outside fenced blocks (`src/…`, `test/…`, …, and notebook names
 * like `01-quickstart.ipynb`) that do not exist.
 */
export function missingPaths(markdown: string, file: string): DocProblem[] {
  const problems: DocProblem[] = [];
  const re =
    /(?<![\w./'"-])((?:src|test|bench|scripts|widgets|notebooks|data|\.ci)\/[\w./-]*[\w/])(?![\w*{<])/g;
  let inFence = false;
  markdown.split(/\r?\n/).forEach((l, i) => {
    if (/^\s*```/.test(l)) inFence = !inFence;
    if (inFence) return;
    for (const nb of l.matchAll(/`(\d\d-[\w-]+\.ipynb)`/g)) {
      if (!fs.existsSync(path.join(ROOT, 'notebooks', nb[1]))) {
        problems.push({ file, line: i + 1, message: `notebook 'notebooks/${nb[1]}' does not exist` });
      }
    }
    for (const m of l.matchAll(re)) {
      const p = m[1].replace(/\/$/, '');
      if (!BUILD_OUTPUTS.test(p) && !fs.existsSync(path.join(ROOT, p))) {
        problems.push({ file, line: i + 1, message: `path '${p}' does not exist` });
      }
    }
  });
  return problems;
}

/** Base names of the project's files (source folders, scripts, tests, notebooks, CI; not node_modules or builds). */
function projectFileNames(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (!['node_modules', 'dist', 'out', '.git'].includes(e.name)) walk(path.join(dir, e.name));
      } else {
        names.add(e.name);
      }
    }
  };
  for (const d of ['src', 'test', 'bench', 'scripts', 'widgets', 'notebooks', 'data', '.ci']) {
    if (fs.existsSync(path.join(ROOT, d))) walk(path.join(ROOT, d));
  }
  return names;
}

/** File names in code spans (`train.ts`, `setup.sh`, …) that no project file has. */
export function missingFileNames(markdown: string, file: string, names = projectFileNames()): DocProblem[] {
  const problems: DocProblem[] = [];
  markdown.split(/\r?\n/).forEach((l, i) => {
    for (const m of l.matchAll(/`([\w.-]+\.(?:ts|js|sh|py|ipynb))`/g)) {
      if (!names.has(m[1]))
        problems.push({ file, line: i + 1, message: `no project file is named '${m[1]}'` });
    }
  });
  return problems;
}

/** Relative links of a Markdown text (`[text](path)` or `[text](path#anchor)`) whose file does not exist. */
export function missingLinks(markdown: string, file: string): DocProblem[] {
  const problems: DocProblem[] = [];
  const dir = path.dirname(path.join(ROOT, file));
  let inFence = false;
  markdown.split(/\r?\n/).forEach((l, i) => {
    if (/^\s*```/.test(l)) inFence = !inFence;
    if (inFence) return;
    for (const m of l.matchAll(/\]\(([^)\s#]+)(?:#[^)\s]*)?\)/g)) {
      const target = m[1];
      if (/^[a-z][\w+.-]*:/i.test(target)) continue; // https:, mailto:, …
      if (
        !BUILD_OUTPUTS.test(path.relative(ROOT, path.join(dir, target))) &&
        !fs.existsSync(path.join(dir, target))
      ) {
        problems.push({ file, line: i + 1, message: `link target '${target}' does not exist` });
      }
    }
  });
  return problems;
}

/** The documents checked by default: README.md, ARCHITECTURE.md and the guides docs/*.md (relative to the root). */
export function docFiles(): string[] {
  const docs = fs.existsSync(path.join(ROOT, 'docs'))
    ? fs
        .readdirSync(path.join(ROOT, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .sort()
        .map((f) => `docs/${f}`)
    : [];
  return ['README.md', 'ARCHITECTURE.md', ...docs].filter((f) => fs.existsSync(path.join(ROOT, f)));
}

/** Every check on the given Markdown files (paths relative to the project root). */
export function checkDocs(files: string[]): DocProblem[] {
  const snippets: DocSnippet[] = [];
  const problems: DocProblem[] = [];
  const texts = new Map<string, string>();
  const names = projectFileNames();
  for (const f of files) {
    const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
    texts.set(f, text);
    if (f !== 'ARCHITECTURE.md') snippets.push(...extractSnippets(text, f));
    problems.push(...missingPaths(text, f), ...missingFileNames(text, f, names), ...missingLinks(text, f));
  }
  const checked = typecheckSnippets(snippets);
  problems.push(...checked.problems);
  const readme = texts.get('README.md');
  if (readme !== undefined) problems.push(...referenceProblems(readme, 'README.md', checked.exports));
  return problems;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const problems = checkDocs(args.length ? args : docFiles());
  for (const p of problems) console.log(`${p.file}:${p.line}: ${p.message}`);
  console.log(problems.length === 0 ? 'docs: ok' : `docs: ${problems.length} problem(s)`);
  process.exit(problems.length === 0 ? 0 : 1);
}
