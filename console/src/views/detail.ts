import { api, ApiError } from '../api';
import { badge, h, replace, seconds, time, usd } from '../dom';
import { outputElement } from '../media';
import type { Generation } from '../types';
import type { Cleanup } from '../main';
import { followGeneration } from './playground';

/** queued → running → each attempt → stored (or failed / canceled), with times. */
function timeline(g: Generation): HTMLElement {
  const steps: Array<[string, string | undefined, string?]> = [['queued', g.createdAt]];
  if (g.startedAt) steps.push(['running', g.startedAt]);
  for (const a of g.attempts ?? []) {
    steps.push([`attempt ${a.model}: ${a.status}`, a.startedAt, `${seconds(a.startedAt, a.finishedAt)}${a.code ? ` · ${a.code}` : ''}${a.message ? ` · ${a.message}` : ''}`]);
  }
  if (g.completedAt) steps.push([g.status === 'succeeded' ? `stored ${g.outputs.length} output${g.outputs.length === 1 ? '' : 's'}` : g.status, g.completedAt]);
  else steps.push([`${g.status} (${Math.round(g.progress * 100)}%)`, undefined]);
  return h('ol', { class: 'timeline', id: 'timeline' }, ...steps.map(([label, at, note]) => h('li', {}, h('strong', {}, label), ' ', h('span', { class: 'muted' }, time(at)), note ? h('div', { class: 'small muted' }, note) : null)));
}

function temporalLink(g: Generation): HTMLElement {
  const ui = document.body.dataset.temporalUi;
  const ns = document.body.dataset.temporalNamespace ?? 'default';
  const workflowId = `gen_${g.id}`;
  return ui
    ? h('a', { href: `${ui.replace(/\/$/, '')}/namespaces/${encodeURIComponent(ns)}/workflows/${encodeURIComponent(workflowId)}`, target: '_blank', rel: 'noopener', id: 'temporal-link' }, `${workflowId} in the Temporal UI`)
    : h('code', { title: 'set GENFLOW_TEMPORAL_UI_URL to link it' }, workflowId);
}

const json = (v: unknown) => h('pre', { class: 'json' }, JSON.stringify(v, null, 2));

export async function renderDetail(root: HTMLElement, id?: string): Promise<Cleanup> {
  let stop: Cleanup | undefined;
  const message = h('p', { class: 'error', id: 'action-error' });
  const fail = (err: unknown) => (message.textContent = err instanceof ApiError ? `${err.code}: ${err.message}` : String(err));

  const draw = (g: Generation) => {
    const rerun = h('button', { type: 'button', id: 'rerun' }, 'Re-run');
    rerun.addEventListener('click', () => {
      void api<Generation>('/v1/generations', {
        method: 'POST',
        body: {
          model: g.model,
          prompt: g.prompt,
          parameters: g.parameters,
          ...(Object.keys(g.metadata).length ? { metadata: g.metadata } : {}),
          ...(g.enhancedPrompt ? { enhancePrompt: true } : {}),
          ...(g.fallbackModels?.length ? { fallbackModels: g.fallbackModels } : {}),
        },
      }).then((next) => (location.hash = `#/generations/${next.id}`), fail);
    });
    const cancel = h('button', { type: 'button', id: 'cancel', hidden: g.status !== 'queued' && g.status !== 'running' }, 'Cancel');
    cancel.addEventListener('click', () => void api<Generation>(`/v1/generations/${g.id}/cancel`, { method: 'POST' }).then(draw, fail));
    const remove = h('button', { type: 'button', id: 'delete', class: 'danger', hidden: g.status === 'queued' || g.status === 'running' }, 'Delete');
    remove.addEventListener('click', () => {
      if (!confirm('Delete this generation and its outputs?')) return;
      void api(`/v1/generations/${g.id}`, { method: 'DELETE' }).then(() => (location.hash = '#/generations'), fail);
    });
    const live = h('div', { class: 'live' });
    replace(
      root,
      h('p', {}, h('a', { href: '#/generations' }, '← generations')),
      h(
        'div',
        { class: 'detail' },
        h(
          'section',
          { class: 'card' },
          h('h2', {}, badge(g.status), ' ', g.model, g.resultModel && g.resultModel !== g.model ? h('small', { class: 'muted' }, ` (made by ${g.resultModel})`) : null),
          g.error ? h('div', { class: 'error-box', id: 'error' }, h('code', { class: 'error-code' }, g.error.code), h('p', {}, g.error.message), g.error.details !== undefined ? json(g.error.details) : null) : null,
          live,
          h('div', { class: 'outputs' }, ...g.outputs.map(outputElement)),
          h('div', { class: 'actions' }, rerun, cancel, remove, h('a', { class: 'button', href: `#/compare?ids=${g.id}` }, 'Compare…')),
          message,
        ),
        h(
          'section',
          { class: 'card' },
          h('h3', {}, 'Timeline'),
          timeline(g),
          h('h3', {}, 'Prompt'),
          h('p', { class: 'prompt-text', id: 'prompt' }, g.prompt),
          g.enhancedPrompt ? h('div', {}, h('h3', {}, 'Enhanced prompt'), h('p', { class: 'prompt-text', id: 'enhanced-prompt' }, g.enhancedPrompt)) : null,
          h('h3', {}, 'Parameters'),
          json(g.parameters),
          h('h3', {}, 'Metadata'),
          Object.keys(g.metadata).length ? json(g.metadata) : h('p', { class: 'muted' }, 'none'),
          h(
            'dl',
            { class: 'facts' },
            h('dt', {}, 'id'), h('dd', {}, h('code', {}, g.id)),
            h('dt', {}, 'provider'), h('dd', {}, g.provider),
            h('dt', {}, 'kind'), h('dd', {}, g.kind),
            h('dt', {}, 'cost'), h('dd', { id: 'cost' }, g.cost !== undefined ? usd(g.cost) : `${usd(g.estimatedCost)} (estimate)`),
            h('dt', {}, 'workflow'), h('dd', {}, temporalLink(g)),
            g.experiment ? h('dt', {}, 'experiment') : null,
            g.experiment ? h('dd', {}, `${g.experiment.id} · variant ${g.experiment.variantId}`) : null,
          ),
        ),
      ),
    );
    stop?.();
    stop = undefined;
    // Still running: follow it live, then redraw with the final state.
    if (g.status === 'queued' || g.status === 'running') stop = followGeneration(g, live, draw);
  };
  draw(await api<Generation>(`/v1/generations/${encodeURIComponent(id ?? '')}`));
  return () => stop?.();
}
