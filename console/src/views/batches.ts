import { api, ApiError, qs } from '../api';
import { badge, h, replace, time, usd } from '../dom';
import type { Batch, BatchSummary, Page } from '../types';
import type { Cleanup } from '../main';

const progress = (b: BatchSummary) =>
  h(
    'div',
    { class: 'batch-progress' },
    h('progress', { max: 1, value: b.progress }),
    h('span', { class: 'small muted' }, `${b.counts.succeeded} ok · ${b.counts.failed} failed · ${b.counts.canceled} canceled · ${b.counts.running} running · ${b.counts.queued} queued of ${b.totalTasks}`),
  );

/** One batch: its progress, every failed item with its code, and cancel. Refreshes while it runs. */
async function renderBatch(root: HTMLElement, id: string): Promise<Cleanup> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const draw = async () => {
    const b = await api<Batch>(`/v1/batches/${encodeURIComponent(id)}${qs({ limit: 1000 })}`);
    const failed = b.items.filter((i) => i.error);
    const cancel = h('button', { type: 'button', id: 'cancel-batch', hidden: b.status !== 'running' }, 'Cancel batch');
    const message = h('p', { class: 'error' });
    cancel.addEventListener('click', () => {
      void api(`/v1/batches/${b.id}/cancel`, { method: 'POST' }).then(draw, (err: unknown) => (message.textContent = err instanceof ApiError ? `${err.code}: ${err.message}` : String(err)));
    });
    replace(
      root,
      h('p', {}, h('a', { href: '#/batches' }, '← batches')),
      h(
        'section',
        { class: 'card' },
        h('h2', {}, badge(b.status), ` batch ${b.id.slice(0, 8)}`),
        progress(b),
        h('p', { class: 'muted small' }, `created ${time(b.createdAt)} · finished ${time(b.completedAt)} · cost ${usd(b.actualCost ?? b.estimatedCost)}${b.actualCost === undefined ? ' (estimate)' : ''}`),
        h('div', { class: 'actions' }, cancel),
        message,
        h('h3', {}, `Failed items (${b.counts.failed + b.counts.canceled})`),
        failed.length
          ? h(
              'table',
              { id: 'failed-items' },
              h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, 'model'), h('th', {}, 'status'), h('th', {}, 'code'), h('th', {}, 'message'))),
              h('tbody', {}, ...failed.map((i) => h('tr', {}, h('td', {}, h('a', { href: `#/generations/${i.generationId}` }, String(i.index))), h('td', {}, i.model), h('td', {}, badge(i.status)), h('td', {}, h('code', { class: 'error-code' }, i.error!.code)), h('td', { class: 'small' }, i.error!.message)))),
            )
          : h('p', { class: 'muted' }, 'None.'),
        b.nextCursor ? h('p', { class: 'muted small' }, `Showing the first ${b.items.length} items.`) : null,
      ),
    );
    if (b.status === 'running') timer = setTimeout(() => void draw(), 2000);
  };
  await draw();
  return () => clearTimeout(timer);
}

export async function renderBatches(root: HTMLElement, id?: string): Promise<Cleanup | void> {
  if (id) return renderBatch(root, id);
  const body = h('tbody', { id: 'batch-list' });
  const more = h('button', { type: 'button', hidden: true }, 'More');
  replace(root, h('section', { class: 'card' }, h('h2', {}, 'Batches'), h('div', { class: 'scroll-x' }, h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'batch'), h('th', {}, 'status'), h('th', {}, 'progress'), h('th', {}, 'created'))), body)), more));
  let cursor: string | null | undefined;
  const load = async () => {
    const page = await api<Page<BatchSummary>>(`/v1/batches${qs({ cursor, limit: 20 })}`);
    for (const b of page.data) {
      body.append(h('tr', {}, h('td', {}, h('a', { href: `#/batches/${b.id}` }, b.id.slice(0, 8))), h('td', {}, badge(b.status)), h('td', {}, progress(b)), h('td', { class: 'small' }, time(b.createdAt))));
    }
    if (!body.childElementCount) body.append(h('tr', {}, h('td', { colspan: 4, class: 'muted' }, 'No batches yet (POST /v1/batches).')));
    cursor = page.nextCursor;
    more.hidden = !cursor;
  };
  more.addEventListener('click', () => void load());
  await load();
}
