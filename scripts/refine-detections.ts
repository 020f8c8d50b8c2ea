/**
 * Runs one face-api detector over a side of the 300-W split and caches the matched box per face id (JSON), for
 * scripts/refine-300w.ts. Usage:
 *   npx tsx scripts/refine-detections.ts <tinyFaceDetector|ssdMobilenetv1> <train|validation> [n]
 * Env: XL_W300 (folder, default ../shared/data/300w-train), XL_REFINE_CACHE (default .cache/refine-300w).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as xl from '../src/index';

export const SPLIT = { validationFraction: 0.1, seed: 1 } as const;

/**
 * Each training face's detector box from the boxes found on the originals (`byId`): a mirror image
 * (`datasets.flipAugment`'s '#flip' copy) gets its original's box mirrored; faces without one get undefined.
 */
export function boxesWithMirrors(
  train: readonly xl.Sample[],
  byId: ReadonlyMap<string, xl.Box | undefined>,
): Array<xl.Box | undefined> {
  const suffix = '#flip';
  return train.map((s) => {
    if (!s.id.endsWith(suffix)) return byId.get(s.id);
    const b = byId.get(s.id.slice(0, -suffix.length));
    return b && { ...b, x: s.image.width - 1 - (b.x + b.width) };
  });
}
export const TINY_INPUT = 416;

export function cacheFile(model: string, split: string): string {
  return path.join(
    process.env.XL_REFINE_CACHE ?? path.join('.cache', 'refine-300w'),
    `${model}-${split}.json`,
  );
}

function save(file: string, cached: Record<string, xl.Box | null>): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  xl.io.writeFileAtomic(file, JSON.stringify(cached));
}

async function main(): Promise<void> {
  const [model, split, nArg] = process.argv.slice(2);
  if (model !== 'tinyFaceDetector' && model !== 'ssdMobilenetv1')
    throw new Error(`unknown detector ${model}`);
  if (split !== 'train' && split !== 'validation') throw new Error(`unknown split ${split}`);
  await xl.engine.init();
  const root = process.env.XL_W300 ?? xl.experiments.DEFAULT_W300_PATH;
  let ds = xl.datasets.w300Train(root, { ...SPLIT, split });
  if (nArg !== undefined && Number(nArg) < ds.size) ds = xl.datasets.subset(ds, { n: Number(nArg), seed: 1 });
  const file = cacheFile(model, split);
  const cached: Record<string, xl.Box | null> = fs.existsSync(file)
    ? JSON.parse(fs.readFileSync(file, 'utf8'))
    : {};
  const sub = xl.datasets.filter(ds, (info) => !(info.id in cached));
  const todo = sub.ids;
  const t = performance.now();
  const boxes = await xl.detect.detectDataset(sub, {
    model,
    inputSize: TINY_INPUT,
    onProgress: (d, n) => {
      if (d % 100 === 0 || d === n) console.log(`${model} ${split}: ${d}/${n}`);
    },
  });
  todo.forEach((id, k) => (cached[id] = boxes[k] ?? null));
  save(file, cached);
  const s = (performance.now() - t) / 1000;
  console.log(
    `${model} ${split}: ${todo.length} faces in ${s.toFixed(0)} s, ${Object.values(cached).filter((b) => b === null).length} misses of ${Object.keys(cached).length}`,
  );
}

if (require.main === module) void main();
