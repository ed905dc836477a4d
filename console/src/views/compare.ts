import { api, ApiError, qs } from '../api';
import { badge, field, h, hashQuery, replace, usd } from '../dom';
import { outputElement } from '../media';
import type { Generation, Page } from '../types';

interface Experiment {
  id: string;
  name: string;
  variants: Array<{ id: string; name: string }>;
}

/** The newest succeeded generation of each of an experiment's variants (up to four). */
async function experimentPicks(experimentId: string): Promise<{ gens: Generation[]; experiment: Experiment }> {
  const experiment = await api<Experiment>(`/v1/experiments/${encodeURIComponent(experimentId)}`);
  const page = await api<Page<Generation>>(`/v1/generations${qs({ experimentId, status: 'succeeded', limit: 100 })}`);
  const gens = experiment.variants
    .map((v) => page.data.find((g) => g.experiment?.variantId === v.id))
    .filter((g): g is Generation => g !== undefined)
    .slice(0, 4);
  return { gens, experiment };
}

function column(g: Generation, label: string): HTMLElement {
  const status = h('p', { class: 'muted rating-status' });
  const stars = h('div', { class: 'rating', role: 'group', 'aria-label': 'rating' });
  for (let r = 1; r <= 5; r++) {
    const b = h('button', { type: 'button', 'data-rating': r, title: `rate ${r}`, disabled: g.status !== 'succeeded' }, `${r}★`);
    b.addEventListener('click', () => {
      void api<{ rating: number; experimentNotified?: boolean }>(`/v1/generations/${g.id}/rating`, { method: 'POST', body: { rating: r } }).then(
        (res) => {
          for (const other of stars.querySelectorAll('button')) other.classList.toggle('chosen', Number(other.dataset.rating) <= res.rating);
          status.textContent = `rated ${res.rating}${res.experimentNotified ? ' · counted in the experiment' : ''}`;
        },
        (err: unknown) => (status.textContent = err instanceof ApiError ? `${err.code}: ${err.message}` : String(err)),
      );
    });
    stars.append(b);
  }
  return h(
    'section',
    { class: 'card compare-col', 'data-id': g.id },
    h('h3', {}, label),
    h('div', { class: 'outputs' }, ...g.outputs.map(outputElement)),
    g.error ? h('p', {}, h('code', { class: 'error-code' }, g.error.code)) : null,
    h('p', {}, badge(g.status), ' ', h('a', { href: `#/generations/${g.id}` }, g.model)),
    h('p', { class: 'small prompt-text' }, g.prompt),
    h('pre', { class: 'json small' }, JSON.stringify(g.parameters, null, 1)),
    h('p', { class: 'muted small' }, `cost ${usd(g.cost ?? g.estimatedCost)}`),
    stars,
    status,
  );
}

/**
 * Two to four generations side by side (`#/compare?ids=a,b`), or an experiment's variants
 * (`#/compare?experiment=<id>`), with rating buttons that write the same ratings the
 * experiment's results count.
 */
export async function renderCompare(root: HTMLElement): Promise<void> {
  const params = hashQuery();
  const experimentId = params.get('experiment');
  const ids = (params.get('ids') ?? '').split(',').filter(Boolean).slice(0, 4);
  const form = h('form', { class: 'card filters', id: 'compare-form' }, h('input', { name: 'ids', class: 'grow', placeholder: 'generation ids, comma-separated (2–4)', value: ids.join(','), 'aria-label': 'generation ids' }), h('input', { name: 'experiment', placeholder: 'or an experiment id', value: experimentId ?? '', 'aria-label': 'experiment id' }), h('button', { type: 'submit' }, 'Compare'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const exp = field(data, 'experiment');
    location.hash = exp ? `#/compare?experiment=${encodeURIComponent(exp)}` : `#/compare?ids=${field(data, 'ids').replace(/\s+/g, '')}`;
  });
  const grid = h('div', { class: 'compare', id: 'compare' });
  replace(root, form, grid);
  if (experimentId) {
    const { gens, experiment } = await experimentPicks(experimentId);
    const name = (g: Generation) => experiment.variants.find((v) => v.id === g.experiment?.variantId)?.name ?? g.experiment?.variantId ?? '';
    root.insertBefore(h('p', {}, `Experiment “${experiment.name}”: the newest succeeded generation of each variant. `, h('a', { href: `/admin/experiments#${experiment.id}` }, 'results →')), grid);
    replace(grid, ...(gens.length ? gens.map((g) => column(g, `variant ${name(g)}`)) : [h('p', { class: 'muted' }, 'No succeeded generation in this experiment yet.')]));
    return;
  }
  if (!ids.length) {
    grid.append(h('p', { class: 'muted' }, 'Pick 2–4 generations in the gallery (their checkboxes), or give ids or an experiment above.'));
    return;
  }
  const gens = await Promise.all(ids.map((id) => api<Generation>(`/v1/generations/${encodeURIComponent(id)}`)));
  replace(grid, ...gens.map((g, i) => column(g, `#${i + 1}${g.experiment ? ` · variant ${g.experiment.variantId}` : ''}`)));
}
