/**
 * dlib's image-dataset XML (imglab, `train_shape_predictor`): images with face boxes and, per box,
 * named parts (landmarks) in 0-based pixels:
 *
 * ```xml
 * <dataset><images>
 *   <image file='a.jpg' width='500' height='375'>
 *     <box top='90' left='194' width='37' height='37' ignore='1'>
 *       <part name='00' x='201' y='107'/> …
 * ```
 *
 * Parsed with fast-xml-parser (validated first, so that a syntax error names its line).
 */
import * as fs from 'node:fs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { FormatError, ShapeError, ValueError } from '../../errors';
import type { Box } from '../../types';
import { assertFiniteArray, describe } from '../../util';
import { writeFileAtomic } from './atomic';
import { fileLabel, parseFiniteNumber, quote } from './text';

/** One box of a dlib dataset. */
export interface DlibBox {
  box: Box;
  /** The parts in index order `[x0, y0, …]` (0-based pixels), when the box has parts. */
  landmarks?: Float32Array;
  /** dlib's `ignore='1'`: a face to neither train on nor count as missed. */
  ignore?: boolean;
  /** The box's `<label>`, when it has one. */
  label?: string;
}

/** One image of a dlib dataset. */
export interface DlibImage {
  /** The `file` attribute: a path relative to the XML file's folder. */
  image: string;
  width?: number;
  height?: number;
  boxes: DlibBox[];
}

/** Options of {@link formatDlibXml} and {@link writeDlibXml}. */
export interface FormatDlibXmlOptions {
  /** Dataset name written in `<name>`. @default 'exemplar-landmarks' */
  name?: string;
  /**
   * Round coordinates to integers, as dlib's own tools expect (its loader parses integers); with
   * `false` they are written with up to 3 decimals.
   * @default true
   */
  round?: boolean;
}

const ARRAYS = new Set(['image', 'box', 'part']);

/** Parses the text of a dlib XML dataset. */
export function parseDlibXml(text: string, opts: { file?: string } = {}): DlibImage[] {
  return parseDlibAs('parseDlibXml', text, opts.file);
}

/** Reads a dlib XML dataset (`imglab` / `train_shape_predictor` format). */
export function readDlibXml(path: string): DlibImage[] {
  if (typeof path !== 'string')
    throw new ValueError(`readDlibXml: argument 'path' expected a string, got ${describe(path)}`);
  const bytes = fs.readFileSync(path);
  // dlib writes ISO-8859-1; read such files as Latin-1 so that non-ASCII file names survive.
  const head = bytes.subarray(0, 100).toString('latin1');
  const latin1 = /encoding\s*=\s*['"](ISO-8859-1|latin-?1)['"]/i.test(head);
  return parseDlibAs('readDlibXml', bytes.toString(latin1 ? 'latin1' : 'utf8'), path);
}

/** Formats images with boxes and landmarks as dlib XML. */
export function formatDlibXml(images: DlibImage[], opts: FormatDlibXmlOptions = {}): string {
  return formatDlibAs('formatDlibXml', images, opts);
}

/** Writes images with boxes and landmarks as a dlib XML file, atomically. */
export function writeDlibXml(path: string, images: DlibImage[], opts: FormatDlibXmlOptions = {}): void {
  if (typeof path !== 'string')
    throw new ValueError(`writeDlibXml: argument 'path' expected a string, got ${describe(path)}`);
  writeFileAtomic(path, formatDlibAs('writeDlibXml', images, opts));
}

type Node = Record<string | symbol, unknown>;

function parseDlibAs(fn: string, text: string, file: string | undefined): DlibImage[] {
  if (typeof text !== 'string')
    throw new ValueError(`${fn}: argument 'text' expected a string, got ${describe(text)}`);
  const label = fileLabel(file);
  const fail = (line: number | undefined, what: string): never => {
    throw new FormatError(`${fn}: ${label}${line !== undefined ? ` line ${line}` : ''}: ${what}`, {
      file,
      line,
    });
  };
  if (text.trim() === '') fail(1, 'expected a dlib XML <dataset>, got an empty file');
  const valid = XMLValidator.validate(text);
  if (valid !== true) fail(valid.err.line, `expected well-formed XML, got ${valid.err.msg}`);
  let doc: Node;
  try {
    doc = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      parseAttributeValue: false,
      parseTagValue: false,
      isArray: (n: string) => ARRAYS.has(n),
      captureMetaData: true,
    }).parse(text) as Node;
  } catch (e) {
    return fail(undefined, `expected well-formed XML, got ${(e as Error).message}`);
  }
  const meta = XMLParser.getMetaDataSymbol() as unknown as symbol;
  const lineOf = (n: Node): number | undefined => {
    const m = n[meta] as { startIndex?: number } | undefined;
    if (m?.startIndex === undefined) return undefined;
    let line = 1;
    for (let i = 0; i < m.startIndex && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
    return line;
  };
  const asNode = (v: unknown): Node | undefined =>
    v !== null && typeof v === 'object' ? (v as Node) : undefined;
  const num = (n: Node, attr: string, tag: string): number => {
    const raw = n[attr];
    const v = typeof raw === 'string' ? parseFiniteNumber(raw.trim()) : undefined;
    if (v === undefined) {
      fail(
        lineOf(n),
        `<${tag}> attribute '${attr}': expected a number, got ${typeof raw === 'string' ? quote(raw) : 'none'}`,
      );
    }
    return v as number;
  };

  const dataset = asNode(doc.dataset);
  if (!dataset) fail(undefined, 'expected a <dataset> root element, got none');
  const imagesNode = asNode((dataset as Node).images);
  const list = (imagesNode?.image as unknown[] | undefined) ?? [];
  const out: DlibImage[] = [];
  // Line of the k-th <image> tag, for elements that carry no metadata (empty ones parse to '').
  const imageLine = (k: number): number | undefined => {
    const re = /<image[\s>/]/g;
    let m: RegExpExecArray | null = null;
    for (let i = 0; i <= k; i++) if (!(m = re.exec(text))) return undefined;
    return text.slice(0, (m as RegExpExecArray).index).split('\n').length;
  };
  for (let k = 0; k < list.length; k++) {
    const imNode = asNode(list[k]) ?? {};
    const fileAttr = imNode.file;
    if (typeof fileAttr !== 'string' || fileAttr === '') {
      fail(lineOf(imNode) ?? imageLine(k), `<image>: expected a 'file' attribute, got none`);
    }
    const entry: DlibImage = { image: fileAttr as string, boxes: [] };
    if (imNode.width !== undefined) entry.width = num(imNode, 'width', 'image');
    if (imNode.height !== undefined) entry.height = num(imNode, 'height', 'image');
    for (const b of (imNode.box as unknown[] | undefined) ?? []) {
      const bNode = asNode(b) ?? {};
      const box: Box = {
        x: num(bNode, 'left', 'box'),
        y: num(bNode, 'top', 'box'),
        width: num(bNode, 'width', 'box'),
        height: num(bNode, 'height', 'box'),
      };
      if (box.width < 0 || box.height < 0) {
        fail(
          lineOf(bNode),
          `<box>: expected a non-negative width and height, got ${box.width}×${box.height}`,
        );
      }
      const item: DlibBox = { box };
      const ign = bNode.ignore;
      if (ign !== undefined) {
        if (ign !== '0' && ign !== '1')
          fail(lineOf(bNode), `<box> attribute 'ignore': expected '0' or '1', got ${quote(String(ign))}`);
        if (ign === '1') item.ignore = true;
      }
      if (typeof bNode.label === 'string') item.label = bNode.label;
      const parts = (bNode.part as unknown[] | undefined) ?? [];
      if (parts.length > 0)
        item.landmarks = readParts(
          parts.map((p) => asNode(p) ?? {}),
          num,
          lineOf,
          fail,
        );
      entry.boxes.push(item);
    }
    out.push(entry);
  }
  return out;
}

/** Orders parts by numeric name (`'00'`, `'1'`, …) and requires names 0..n-1 without gaps. */
function readParts(
  parts: Node[],
  num: (n: Node, attr: string, tag: string) => number,
  lineOf: (n: Node) => number | undefined,
  fail: (line: number | undefined, what: string) => never,
): Float32Array {
  const n = parts.length;
  const out = new Float32Array(2 * n);
  const seen = new Uint8Array(n);
  for (const p of parts) {
    const name = typeof p.name === 'string' ? p.name.trim() : '';
    if (!/^\d+$/.test(name) || Number(name) >= n) {
      fail(
        lineOf(p),
        `<part> attribute 'name': expected an index 0..${n - 1} (the box has ${n} parts), got ${quote(name)}`,
      );
    }
    const k = Number(name);
    if (seen[k])
      fail(lineOf(p), `<part> attribute 'name': expected each index once, got ${quote(name)} again`);
    seen[k] = 1;
    out[2 * k] = num(p, 'x', 'part');
    out[2 * k + 1] = num(p, 'y', 'part');
  }
  return out;
}

function escapeAttr(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/'/g, '&apos;')
    .replace(/"/g, '&quot;');
}

function formatDlibAs(fn: string, images: DlibImage[], opts: FormatDlibXmlOptions): string {
  if (!Array.isArray(images))
    throw new ValueError(`${fn}: argument 'images' expected an array, got ${describe(images)}`);
  const round = opts.round ?? true;
  const name = opts.name ?? 'exemplar-landmarks';
  const fmt = (v: number): string =>
    (round ? String(Math.round(v)) : String(Math.round(v * 1000) / 1000)).replace(/^-0$/, '0');
  const lines = [
    "<?xml version='1.0' encoding='UTF-8'?>",
    "<?xml-stylesheet type='text/xsl' href='image_metadata_stylesheet.xsl'?>",
    '<dataset>',
    `<name>${escapeAttr(name)}</name>`,
    '<images>',
  ];
  images.forEach((im, i) => {
    if (im === null || typeof im !== 'object' || typeof im.image !== 'string' || !Array.isArray(im.boxes)) {
      throw new ValueError(
        `${fn}: argument 'images[${i}]' expected { image: string, boxes: [] }, got ${describe(im)}`,
      );
    }
    const size =
      im.width !== undefined && im.height !== undefined
        ? ` width='${fmt(im.width)}' height='${fmt(im.height)}'`
        : '';
    lines.push(`  <image file='${escapeAttr(im.image)}'${size}>`);
    im.boxes.forEach((b, k) => {
      const a = `images[${i}].boxes[${k}]`;
      const bx = [b?.box?.x, b?.box?.y, b?.box?.width, b?.box?.height];
      assertFiniteArray(fn, `${a}.box`, bx);
      const ignore = b.ignore ? " ignore='1'" : '';
      const open = `    <box top='${fmt(bx[1])}' left='${fmt(bx[0])}' width='${fmt(bx[2])}' height='${fmt(bx[3])}'${ignore}>`;
      lines.push(open);
      if (b.label !== undefined) lines.push(`      <label>${escapeAttr(b.label)}</label>`);
      if (b.landmarks !== undefined) {
        const lm = b.landmarks;
        assertFiniteArray(fn, `${a}.landmarks`, lm);
        if (lm.length % 2 !== 0)
          throw new ShapeError(`${fn}: argument '${a}.landmarks' expected an even length, got ${lm.length}`);
        const width =
          String(Math.max(0, lm.length / 2 - 1)).length < 2 ? 2 : String(lm.length / 2 - 1).length;
        for (let p = 0; p < lm.length / 2; p++) {
          lines.push(
            `      <part name='${String(p).padStart(width, '0')}' x='${fmt(lm[2 * p])}' y='${fmt(lm[2 * p + 1])}'/>`,
          );
        }
      }
      lines.push('    </box>');
    });
    lines.push('  </image>');
  });
  lines.push('</images>', '</dataset>');
  return lines.join('\n') + '\n';
}
