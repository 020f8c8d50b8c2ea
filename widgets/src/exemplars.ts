/**
 * exemplars: a face and its nearest training exemplars, by the classifier's weights w_k and by the
 * training faces' features f, side by side with their cosine similarities. Ids and labels from data are
 * shown as text. Props: `viz.exemplarsState(…)`. Value: the id last clicked (or '').
 */
import type { ExemplarJson, ExemplarsState } from '../../src/viz/widgetStates';
import { check, el } from './lib/dom';

export interface Exemplars {
  readonly element: HTMLElement;
  readonly value: string;
  onChange: ((id: string) => void) | null;
}

const W = 'exemplars';

export function exemplars(parent: HTMLElement, props: ExemplarsState): Exemplars {
  check(props?.kind === 'exemplar-landmarks/exemplars', W, 'kind', "'exemplar-landmarks/exemplars'");
  check(
    Array.isArray(props.byWeights) && Array.isArray(props.byFeatures),
    W,
    'byWeights, byFeatures',
    'arrays',
  );
  const size = props.size ?? 96;
  let value = '';
  const root = el('div', 'xl-exemplars');
  root.style.font = '12px sans-serif';
  if (props.title !== undefined) root.append(el('div', 'xl-title', String(props.title)));

  const tile = (url: string | undefined, caption: string, id?: string): HTMLElement => {
    const fig = el('figure', 'xl-tile');
    fig.style.margin = '0 6px 6px 0';
    fig.style.display = 'inline-block';
    fig.style.verticalAlign = 'top';
    fig.style.width = `${size}px`;
    if (url !== undefined && url.startsWith('data:image/')) {
      const img = el('img', 'xl-thumb');
      img.src = url; // a data: URL from the props (checked): no request leaves the page
      img.width = size;
      img.height = size;
      img.alt = caption;
      fig.append(img);
    } else {
      const ph = el('div', 'xl-thumb-missing', 'no image');
      ph.style.cssText = `width:${size}px;height:${size}px;background:#ddd;display:flex;align-items:center;justify-content:center`;
      fig.append(ph);
    }
    fig.append(el('figcaption', 'xl-caption', caption));
    if (id !== undefined) {
      fig.style.cursor = 'pointer';
      fig.addEventListener('click', () => {
        value = id;
        root.dataset.value = id;
        handle.onChange?.(id);
        root.dispatchEvent(new CustomEvent('change', { detail: id }));
      });
    }
    return fig;
  };
  const row = (name: string, list: ExemplarJson[]): HTMLElement => {
    const r = el('div', 'xl-exemplar-row');
    r.append(el('div', 'xl-row-title', name));
    list.forEach((e, i) => {
      check(typeof e?.similarity === 'number', W, `${name}[${i}].similarity`, 'a number');
      r.append(tile(e.imageUrl, `${String(e.id)} · ${e.similarity.toFixed(3)}`, String(e.id)));
    });
    return r;
  };
  const query = el('div', 'xl-query');
  query.append(tile(props.imageUrl, String(props.label)));
  const rows = el('div', 'xl-rows');
  rows.append(
    row('by classifier weights w_k', props.byWeights),
    row('by training-face features f', props.byFeatures),
  );
  const wrap = el('div', 'xl-wrap');
  wrap.style.display = 'flex';
  wrap.style.gap = '12px';
  wrap.append(query, rows);
  root.append(wrap);
  parent.append(root);
  const handle: Exemplars = {
    element: root,
    get value() {
      return value;
    },
    onChange: null,
  };
  return handle;
}

export const mount = exemplars;
