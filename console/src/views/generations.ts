import { api, qs } from '../api';
import { badge, field, h, hashQuery, replace, time } from '../dom';
import { thumbnail } from '../media';
import type { Generation, Page } from '../types';
import type { Cleanup } from '../main';
import { loadModels } from './playground';

const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'canceled'];
/** Filters kept in the route, so a filtered list can be linked and survives a reload. */
const FILTERS = ['q', 'model', 'provider', 'status', 'kind', 'mkey', 'mvalue', 'from', 'to'] as const;

function card(g: Generation, selected: Set<string>, onSelect: () => void): HTMLElement {
  const box = h('input', { type: 'checkbox', class: 'pick', 'aria-label': 'select for compare', checked: selected.has(g.id) });
  box.addEventListener('change', () => {
    if (box.checked) selected.add(g.id);
    else selected.delete(g.id);
    onSelect();
  });
  return h(
    'article',
    { class: 'gen-card', 'data-id': g.id },
    h('a', { href: `#/generations/${g.id}`, class: 'thumb-link' }, thumbnail(g)),
    h(
      'div',
      { class: 'gen-meta' },
      h('div', { class: 'row' }, badge(g.status), box),
      h('a', { href: `#/generations/${g.id}`, class: 'prompt' }, g.prompt),
      h('div', { class: 'muted small' }, `${g.model} · ${time(g.createdAt)}`),
      g.error ? h('code', { class: 'error-code' }, g.error.code) : null,
    ),
  );
}

/**
 * The gallery: newest first, one page at a time from the cursor API as the end of the list
 * scrolls into view; search (any language: the API matches substrings, two-character Chinese
 * words included) and filters go into the route and the query.
 */
export async function renderGenerations(root: HTMLElement): Promise<Cleanup> {
  const params = hashQuery();
  const models = await loadModels();
  const input = (name: string, attrs: Record<string, string> = {}) => h('input', { name, id: `f-${name}`, value: params.get(name) ?? '', ...attrs });
  const select = (name: string, options: string[], label: string) =>
    h('select', { name, id: `f-${name}`, 'aria-label': label }, h('option', { value: '' }, `any ${label}`), ...options.map((o) => h('option', { value: o, selected: params.get(name) === o }, o)));
  const form = h(
    'form',
    { class: 'filters card', id: 'filters' },
    input('q', { type: 'search', placeholder: 'Search prompts (English, 中文)…', 'aria-label': 'search prompts', class: 'grow' }),
    select('model', models.map((m) => m.id), 'model'),
    select('provider', [...new Set(models.map((m) => m.provider))].sort(), 'provider'),
    select('status', STATUSES, 'status'),
    select('kind', [...new Set(models.flatMap((m) => m.kinds))].sort(), 'kind'),
    input('mkey', { placeholder: 'metadata key', 'aria-label': 'metadata key', class: 'short' }),
    input('mvalue', { placeholder: 'value', 'aria-label': 'metadata value', class: 'short' }),
    input('from', { type: 'date', 'aria-label': 'from date' }),
    input('to', { type: 'date', 'aria-label': 'to date' }),
    h('button', { type: 'submit' }, 'Search'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const next = new URLSearchParams();
    for (const f of FILTERS) {
      const v = field(data, f);
      if (v) next.set(f, v);
    }
    location.hash = `#/generations${next.size ? `?${next.toString()}` : ''}`;
  });

  const selected = new Set<string>();
  const compare = h('a', { class: 'button', id: 'compare-selected', hidden: true }, 'Compare');
  const onSelect = () => {
    compare.hidden = selected.size < 2 || selected.size > 4;
    compare.textContent = `Compare ${selected.size}`;
    compare.setAttribute('href', `#/compare?ids=${[...selected].join(',')}`);
  };
  const grid = h('div', { class: 'gallery', id: 'gallery' });
  const sentinel = h('div', { class: 'sentinel muted' }, 'Loading…');
  replace(root, form, h('div', { class: 'row' }, h('span', { class: 'muted', id: 'count' }), h('span', { class: 'spacer' }), compare), grid, sentinel);

  // The API's query: dates are whole days in the browser's time zone.
  const day = (d: string | null, plus = 0) => (d ? new Date(new Date(`${d}T00:00:00`).getTime() + plus).toISOString() : undefined);
  const query: Record<string, string | undefined> = {
    q: params.get('q') ?? undefined,
    model: params.get('model') ?? undefined,
    provider: params.get('provider') ?? undefined,
    status: params.get('status') ?? undefined,
    kind: params.get('kind') ?? undefined,
    from: day(params.get('from')),
    to: day(params.get('to'), 86_400_000),
  };
  const mkey = params.get('mkey');
  if (mkey) query[`metadata.${mkey}`] = params.get('mvalue') ?? '';

  let cursor: string | null | undefined;
  let loading = false;
  let shown = 0;
  const count = root.querySelector<HTMLElement>('#count')!;
  const more = async () => {
    if (loading || cursor === null) return;
    loading = true;
    try {
      const page = await api<Page<Generation>>(`/v1/generations${qs({ ...query, limit: 30, cursor })}`);
      for (const g of page.data) grid.append(card(g, selected, onSelect));
      shown += page.data.length;
      cursor = page.nextCursor;
      count.textContent = `${shown}${cursor ? '+' : ''} generation${shown === 1 ? '' : 's'}`;
      sentinel.textContent = cursor ? 'Loading…' : shown ? '' : 'No generations match.';
    } catch (err) {
      sentinel.textContent = err instanceof Error ? err.message : String(err);
      cursor = null;
    } finally {
      loading = false;
    }
    // A tall screen may show the sentinel again right away: keep filling it.
    if (cursor && sentinel.getBoundingClientRect().top < window.innerHeight) void more();
  };
  const observer = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) void more();
  });
  observer.observe(sentinel);
  await more();
  return () => observer.disconnect();
}
