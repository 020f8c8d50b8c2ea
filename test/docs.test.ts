import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  checkDocs,
  docFiles,
  extractSnippets,
  missingFileNames,
  missingLinks,
  missingPaths,
  referenceProblems,
  typecheckSnippets,
} from '../scripts/check-docs';
import { PROJECT_ROOT } from './helpers';

describe('docs (README.md, ARCHITECTURE.md, docs/*.md)', function () {
  this.timeout(120_000);

  it("the docs' TypeScript compiles against src, their reference names, paths and links exist", function () {
    const files = docFiles();
    assert.ok(files.includes('README.md'), 'README.md is missing');
    assert.ok(files.includes('docs/model.md'), `docs/*.md not found: ${files.join(', ')}`);
    assert.ok(files.every((f) => fs.existsSync(path.join(PROJECT_ROOT, f))));
    const problems = checkDocs(files);
    assert.deepEqual(
      problems.map((p) => `${p.file}:${p.line}: ${p.message}`),
      [],
    );
  });

  it('README.md and ARCHITECTURE.md stay short (numbers go to bench/RESULTS.md, stage guides to docs/)', function () {
    const limits: Array<[string, number]> = [
      ['README.md', 16 * 1024],
      ['ARCHITECTURE.md', 22 * 1024],
    ];
    for (const [file, max] of limits) {
      const bytes = fs.statSync(path.join(PROJECT_ROOT, file)).size;
      assert.ok(
        bytes <= max,
        `${file} is ${bytes} bytes, over ${max}: move detail to docs/ or bench/RESULTS.md`,
      );
    }
  });

  it('finds blocks and xl. code spans, and reports wrong names and types', function () {
    const md = [
      'Read with `xl.io.readPtz("a.pts")` or `plain code`.',
      '```ts',
      "import * as xl from 'exemplar-landmarks';",
      'const n: string = xl.evaluate.auc([0.1], 0.08);',
      '```',
      '```bash',
      'echo not checked',
      '```',
    ].join('\n');
    const snippets = extractSnippets(md, 'X.md');
    assert.deepEqual(
      snippets.map((s) => [s.kind, s.line]),
      [
        ['inline', 1],
        ['block', 3],
      ],
    );
    const { problems, exports } = typecheckSnippets(snippets);
    assert.equal(problems.length, 2, problems.map((p) => p.message).join('\n'));
    assert.match(problems.find((p) => p.line === 1)?.message ?? '', /readPtz/);
    assert.match(problems.find((p) => p.line === 4)?.message ?? '', /not assignable to type 'string'/);
    assert.ok(exports.get('io')?.has('readPts'));
    const table = ['| `io` | `readPts`, `readPtz` |', '| `ShapeError` | x |', '| `NoSuchError` | x |'].join(
      '\n',
    );
    assert.deepEqual(
      referenceProblems(table, 'X.md', exports).map((p) => [p.line, p.message]),
      [
        [1, "'readPtz' is not exported from namespace 'io'"],
        [3, "'NoSuchError' is not exported from src/index.ts"],
      ],
    );
  });

  it('reports file names in code spans that no project file has', function () {
    const md = 'The trainer is `train.ts`, not `trainer.ts`; `setup.sh` sets up.';
    assert.deepEqual(
      missingFileNames(md, 'X.md').map((p) => p.message),
      ["no project file is named 'trainer.ts'"],
    );
  });

  it('reports paths and notebooks that do not exist, outside code blocks', function () {
    const md = [
      'See src/model/train.ts, src/model/nothere.ts, `99-none.ipynb`, `01-quickstart.ipynb`, dist/index.js.',
      '```ts',
      "xl.datasets.folder('src/nothere');",
      '```',
    ].join('\n');
    assert.deepEqual(
      missingPaths(md, 'X.md').map((p) => p.message),
      ["notebook 'notebooks/99-none.ipynb' does not exist", "path 'src/model/nothere.ts' does not exist"],
    );
  });

  it('reports relative links whose file does not exist, and skips URLs, anchors and build outputs', function () {
    const md = [
      'See [the model](docs/model.md#training-and-prediction), [gone](docs/nothere.md), [api](docs/api/index.html),',
      '[web](https://example.org/x.md), [mail](mailto:a@b.c) and [top](#data).',
      '```md',
      '[in a fence](nothere.md)',
      '```',
    ].join('\n');
    assert.deepEqual(
      missingLinks(md, 'README.md').map((p) => [p.line, p.message]),
      [[1, "link target 'docs/nothere.md' does not exist"]],
    );
    assert.deepEqual(
      missingLinks('[up](../README.md), [x](model.md), [y](nothere.md)', 'docs/index.md').map(
        (p) => p.message,
      ),
      ["link target 'nothere.md' does not exist"],
    );
  });
});
