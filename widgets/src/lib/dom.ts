/**
 * Small DOM helpers shared by the widgets. Everything that comes from data is set with `textContent`
 * or as a property, never through innerHTML (widgets show file names, ids and labels from data).
 */

/** A new element with a class and optional text (as text, never HTML). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A labelled range input; `onInput` gets the slider's numeric value. */
export function slider(
  label: string,
  min: number,
  max: number,
  step: number,
  value: number,
  onInput: (v: number) => void,
): { root: HTMLElement; input: HTMLInputElement; caption: HTMLElement } {
  const root = el('label', 'xl-slider');
  root.style.display = 'block';
  root.style.font = '12px sans-serif';
  const name = el('span', 'xl-slider-name', `${label} `);
  const input = el('input', 'xl-slider-input');
  input.type = 'range';
  input.min = String(min);
  input.max = String(max);
  input.step = String(step);
  input.value = String(value);
  input.style.verticalAlign = 'middle';
  input.style.width = '220px';
  const caption = el('span', 'xl-slider-caption');
  caption.style.marginLeft = '8px';
  input.addEventListener('input', () => onInput(Number(input.value)));
  root.append(name, input, caption);
  return { root, input, caption };
}

/** A button that calls `onClick`. */
export function button(label: string, className: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', className, label);
  b.type = 'button';
  b.style.marginRight = '6px';
  b.addEventListener('click', onClick);
  return b;
}

/** A canvas of the given size and its 2D context. */
export function canvas2d(
  width: number,
  height: number,
): { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D } {
  const canvas = el('canvas', 'xl-canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('widget: no 2D canvas context');
  return { canvas, ctx };
}

/** Throws a widget error naming the prop when `ok` is false. */
export function check(ok: boolean, widget: string, prop: string, expected: string): asserts ok {
  if (!ok) throw new Error(`${widget}: prop '${prop}' expected ${expected}`);
}

/** Checks a prop is an array of finite numbers (optionally of a length) and returns it as Float64Array. */
export function numbers(widget: string, prop: string, v: unknown, length?: number): Float64Array {
  check(Array.isArray(v), widget, prop, 'an array of numbers');
  const a = v as unknown[];
  check(length === undefined || a.length === length, widget, prop, `length ${length}, got ${a.length}`);
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    check(typeof x === 'number' && Number.isFinite(x), widget, `${prop}[${i}]`, 'a finite number');
    out[i] = x as number;
  }
  return out;
}
