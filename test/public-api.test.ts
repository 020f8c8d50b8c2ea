/**
 * The public API (src/index.ts, the package entry) against `exemplar-landmarks/internal` (src/internal.ts): no name
 * is exported by both, the internals named by issue 14 are behind the subpath only, and package.json maps the
 * subpath to what tsconfig.build.json emits. Values are checked at run time; types with the compiler's view of the
 * two modules.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import * as xl from '../src';
import * as internal from '../src/internal';
import { PROJECT_ROOT } from './helpers';

/** Every name the public entry exports, top level and per namespace (`model.train`), with the compiler's view. */
function compilerExports(): { publicNames: Set<string>; internalNames: Set<string> } {
  const index = path.join(PROJECT_ROOT, 'src', 'index.ts');
  const internalFile = path.join(PROJECT_ROOT, 'src', 'internal.ts');
  const program = ts.createProgram([index, internalFile], {
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const exportsOf = (file: string): ts.Symbol[] => {
    const sf = program.getSourceFile(file);
    const mod = sf && checker.getSymbolAtLocation(sf);
    assert.ok(mod, `${file} is a module`);
    return checker.getExportsOfModule(mod);
  };
  const publicNames = new Set<string>();
  for (const e of exportsOf(index)) {
    publicNames.add(e.name);
    const target = e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e;
    if (target.flags & ts.SymbolFlags.ValueModule) {
      for (const n of checker.getExportsOfModule(target)) publicNames.add(n.name);
    }
  }
  const internalNames = new Set(exportsOf(internalFile).map((e) => e.name));
  return { publicNames, internalNames };
}

/** Named by issue 14 (part 4) as internals: they must be reachable through the subpath only. */
const ISSUE_NAMED = [
  'expectedShapePlan',
  'expectedShapePlanOver',
  'keptIndicesOf',
  'sampledHeadStep',
  'RowAdam',
  'SampledHeadScratch',
  'randomClassTable',
  // int8 and float head routing thresholds
  'DENSE_MIN_FRACTION',
  'DENSE_MIN_FACES',
  'STREAM_MIN_FRACTION',
  'JS_MAX_CLASSES',
  'JS_MAX_FRACTION',
  'INT8_MAX_BATCH',
  'REFINE_DELTA',
  'DENSE_REFINE_FRACTION',
  'PARALLEL_MIN_CLASSES',
];

describe('public API (src/index.ts) and exemplar-landmarks/internal', function () {
  this.timeout(120_000);

  it('exports every internal value from the subpath, defined, and none of them from the public entry', function () {
    const values = Object.entries(internal);
    assert.ok(values.length >= 40, `src/internal.ts exports ${values.length} values`);
    const leaked: string[] = [];
    const namespaces = Object.entries(xl).filter(([, v]) => typeof v === 'object' && v !== null);
    for (const [name, v] of values) {
      assert.notEqual(v, undefined, `internal.${name} is undefined`);
      if (name in xl) leaked.push(name);
      for (const [ns, obj] of namespaces) if (name in obj) leaked.push(`${ns}.${name}`);
    }
    assert.deepEqual(leaked, [], 'internal names still exported by the public entry');
  });

  it('keeps the internals named by the issue behind the subpath, and the user-facing names public', function () {
    for (const name of ISSUE_NAMED) assert.ok(name in internal, `internal.${name} is missing`);
    assert.equal(typeof internal.sampledHeadStep, 'function');
    assert.equal(typeof internal.RowAdam, 'function');
    // What a user calls stays where it was.
    assert.equal(typeof xl.model.train, 'function');
    assert.equal(typeof xl.model.predict, 'function');
    assert.equal(typeof xl.model.createModel, 'function');
    assert.deepEqual([...xl.model.ROW_ADAM_MODES], ['lazy', 'decayed']);
    assert.equal(typeof xl.experiments.forwardCostVsK, 'function');
    assert.equal(typeof xl.viz.drawLandmarks, 'function');
    assert.equal(typeof xl.engine.init, 'function');
  });

  it('shares no name, value or type, between the public entry and the subpath (compiler view)', function () {
    const { publicNames, internalNames } = compilerExports();
    const both = [...internalNames].filter((n) => publicNames.has(n));
    assert.deepEqual(both, [], 'exported by both src/index.ts (or a namespace of it) and src/internal.ts');
    for (const t of [
      'SampledStep',
      'HeadQuery',
      'ExpectedShapePlan',
      'ResolvedDrawShapeOptions',
      'GpuStatus',
    ]) {
      assert.ok(internalNames.has(t), `type ${t} is exported by src/internal.ts`);
    }
    // Types that public options and results refer to stay public.
    for (const t of ['RowAdamMode', 'ProgressSink', 'InputSpec', 'InferenceFn', 'TrainOptions']) {
      assert.ok(publicNames.has(t), `type ${t} is public`);
    }
  });

  it("marks ExemplarModel's internal methods @internal (JSDoc), and only those", function () {
    const file = path.join(PROJECT_ROOT, 'src', 'model', 'exemplarModel.ts');
    const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const tagged: string[] = [];
    const visit = (n: ts.Node): void => {
      if (ts.isClassDeclaration(n) && n.name?.text === 'ExemplarModel') {
        for (const m of n.members) {
          if (
            m.name &&
            ts.isIdentifier(m.name) &&
            ts.getJSDocTags(m).some((t) => t.tagName.text === 'internal')
          ) {
            tagged.push(m.name.text);
          }
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
    assert.deepEqual(tagged.sort(), [
      'centerChunks',
      'centerSummary',
      'centersTensor',
      'int8Head',
      'tensors',
    ]);
  });

  it('maps the ./internal subpath in package.json to what tsconfig.build.json emits from src/internal.ts', function () {
    const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8'));
    assert.deepEqual(pkg.exports['./internal'], {
      types: './dist/internal.d.ts',
      default: './dist/internal.js',
    });
    assert.deepEqual(pkg.typesVersions, { '*': { internal: ['dist/internal.d.ts'] } });
    const build = ts.readConfigFile(path.join(PROJECT_ROOT, 'tsconfig.build.json'), ts.sys.readFile).config;
    assert.equal(build.compilerOptions.rootDir, 'src');
    assert.equal(build.compilerOptions.outDir, 'dist');
    assert.ok(build.include.includes('src'), 'tsconfig.build.json compiles src/ (so src/internal.ts)');
    assert.ok(fs.existsSync(path.join(PROJECT_ROOT, 'src', 'internal.ts')));
    const built = path.join(PROJECT_ROOT, 'dist', 'internal.js');
    if (fs.existsSync(built)) {
      // After `npm run build`: the package name resolves through node_modules/exemplar-landmarks -> ..
      assert.equal(fs.realpathSync(require.resolve('exemplar-landmarks/internal')), fs.realpathSync(built));
    }
  });
});
