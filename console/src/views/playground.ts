import { api, ApiError } from '../api';
import { badge, h, hashQuery, replace, seconds, usd } from '../dom';
import { outputElement } from '../media';
import { schemaForm, type SchemaForm } from '../schema-form';
import type { Generation, Model } from '../types';
import type { Cleanup } from '../main';

let modelsCache: Promise<Model[]> | undefined;
export const loadModels = (): Promise<Model[]> => (modelsCache ??= api<{ data: Model[] }>('/v1/models').then((r) => r.data));

/** Models by kind, then provider, filtered by a search over id, provider and description. */
function modelPicker(models: Model[], selected: string, onPick: (m: Model) => void): HTMLElement {
  const search = h('input', { type: 'search', id: 'model-search', placeholder: 'Search models…', 'aria-label': 'search models' });
  const list = h('div', { class: 'model-list', role: 'listbox' });
  const draw = () => {
    const needle = search.value.trim().toLowerCase();
    const match = (m: Model) => !needle || `${m.id} ${m.provider} ${m.description} ${m.kinds.join(' ')}`.toLowerCase().includes(needle);
    const kinds = [...new Set(models.flatMap((m) => m.kinds))].sort();
    replace(list);
    for (const kind of kinds) {
      const inKind = models.filter((m) => m.kinds.includes(kind) && match(m));
      if (!inKind.length) continue;
      const group = h('div', { class: 'kind-group' }, h('h4', {}, kind));
      for (const provider of [...new Set(inKind.map((m) => m.provider))].sort()) {
        group.append(h('div', { class: 'provider-name muted' }, provider));
        for (const m of inKind.filter((x) => x.provider === provider)) {
          const button = h('button', { type: 'button', class: `model${m.id === selected ? ' selected' : ''}`, 'data-model': m.id, role: 'option', title: m.description }, m.id);
          button.addEventListener('click', () => onPick(m));
          group.append(button);
        }
      }
      list.append(group);
    }
    if (!list.childElementCount) list.append(h('p', { class: 'muted' }, 'No model matches.'));
  };
  search.addEventListener('input', draw);
  draw();
  return h('div', { class: 'picker' }, search, list);
}

/** Files become data URLs (the API takes them inline); URLs are passed as typed. */
function readFile(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === 'string' ? reader.result : '');
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsDataURL(file);
  });
}

function parseMetadata(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

/**
 * Follows a generation to its end with the API's event stream, drawing progress, then the
 * outputs, cost and attempts. Answers a function that closes the stream.
 */
export function followGeneration(g: Generation, panel: HTMLElement, onDone?: (g: Generation) => void): Cleanup {
  const bar = h('progress', { max: 1, value: g.progress });
  const status = h('span', { id: 'run-status' }, badge(g.status));
  replace(panel, h('div', { class: 'run-head' }, status, bar, h('a', { href: `#/generations/${g.id}`, class: 'detail-link' }, 'details →')));
  const events = new EventSource(`/v1/generations/${g.id}/events`);
  events.addEventListener('progress', (e) => {
    const p = JSON.parse((e as MessageEvent<string>).data) as { status: string; progress: number };
    bar.value = p.progress;
    replace(status, badge(p.status));
  });
  events.addEventListener('done', (e) => {
    events.close();
    const done = JSON.parse((e as MessageEvent<string>).data) as Generation;
    bar.value = 1;
    replace(status, badge(done.status));
    panel.append(resultBody(done));
    onDone?.(done);
  });
  // The stream ends after `done`; an error before it (a restart, a proxy) falls back to one read.
  events.addEventListener('error', () => {
    if (events.readyState === EventSource.CLOSED) return;
    events.close();
    void api<Generation>(`/v1/generations/${g.id}`).then((now) => {
      replace(status, badge(now.status));
      if (now.status !== 'queued' && now.status !== 'running') panel.append(resultBody(now));
    });
  });
  return () => events.close();
}

export function resultBody(g: Generation): HTMLElement {
  return h(
    'div',
    { class: 'result' },
    g.error ? h('p', { class: 'error' }, h('code', { class: 'error-code' }, g.error.code), ' ', g.error.message) : null,
    h('div', { class: 'outputs' }, ...g.outputs.map(outputElement)),
    h(
      'p',
      { class: 'muted facts' },
      `cost ${usd(g.cost ?? g.estimatedCost)} · ${seconds(g.startedAt ?? g.createdAt, g.completedAt)} · `,
      `${g.attempts?.length ?? 0} attempt${g.attempts?.length === 1 ? '' : 's'}`,
      ...(g.attempts ?? []).map((a) => h('span', { class: 'attempt' }, ` ${a.model}: ${a.status}${a.code ? ` (${a.code})` : ''}`)),
    ),
  );
}

export async function renderPlayground(root: HTMLElement): Promise<Cleanup> {
  const models = await loadModels();
  let stop: Cleanup | undefined;
  const wanted = hashQuery().get('model');
  let model = models.find((m) => m.id === wanted) ?? models.find((m) => m.id === 'local/image') ?? models[0]!;
  let form: SchemaForm;
  const pickerSlot = h('div', { class: 'picker-slot' });
  const formSlot = h('div');
  const imagesSlot = h('div');
  const result = h('section', { class: 'card result-panel', id: 'result' }, h('p', { class: 'muted' }, 'Outputs appear here.'));
  const prompt = h('textarea', { id: 'prompt', rows: 3, required: true, placeholder: 'A lighthouse on a cliff at dusk / 山间的小屋' });
  const outputs = h('input', { id: 'outputs', type: 'number', min: 1, max: 4, value: 1, class: 'num' });
  const enhance = h('input', { id: 'enhance', type: 'checkbox' });
  const metadata = h('textarea', { id: 'metadata', rows: 2, placeholder: 'project=demo\nshot=12' });
  const fileInput = h('input', { type: 'file', id: 'input-file', accept: 'image/*', multiple: true });
  const urlInput = h('input', { type: 'url', id: 'input-url', placeholder: 'https://… image URL' });
  const error = h('p', { class: 'error', id: 'submit-error' });
  const title = h('h2', {});

  const choose = (m: Model) => {
    model = m;
    history.replaceState(null, '', `#/playground?model=${encodeURIComponent(m.id)}`);
    replace(pickerSlot, modelPicker(models, m.id, choose));
    replace(title, m.id, h('small', { class: 'muted' }, ` ${m.kinds.join(', ')} · ${m.async ? 'async' : 'sync'} · ~${m.expectedDurationSeconds}s`));
    form = schemaForm(m.parameters);
    replace(formSlot, h('p', { class: 'muted' }, m.description), form.element);
    replace(imagesSlot, m.inputImages.max > 0 ? h('fieldset', {}, h('legend', {}, `Input images (up to ${m.inputImages.max})`), fileInput, urlInput) : null);
  };
  choose(model);

  const submit = h('button', { type: 'submit', id: 'submit', class: 'primary' }, 'Generate');
  const formEl = h(
    'form',
    { class: 'card', id: 'playground-form' },
    title,
    h('label', { for: 'prompt' }, 'Prompt'),
    prompt,
    formSlot,
    imagesSlot,
    h('details', {}, h('summary', {}, 'More'), h('div', { class: 'field' }, h('label', { for: 'outputs' }, 'Outputs'), outputs), h('div', { class: 'field' }, h('label', { for: 'enhance' }, 'Enhance prompt'), enhance), h('label', { for: 'metadata' }, 'Metadata (key=value per line)'), metadata),
    submit,
    error,
  );
  formEl.addEventListener('submit', (e) => {
    e.preventDefault();
    error.textContent = '';
    void (async () => {
      submit.disabled = true;
      try {
        const images = [...(await Promise.all([...(fileInput.files ?? [])].map(readFile))), ...(urlInput.value.trim() ? [urlInput.value.trim()] : [])];
        const meta = parseMetadata(metadata.value);
        const g = await api<Generation>('/v1/generations', {
          method: 'POST',
          body: {
            model: model.id,
            prompt: prompt.value,
            parameters: form.values(),
            ...(images.length && model.inputImages.max > 0 ? { inputImages: images } : {}),
            ...(Number(outputs.value) > 1 ? { numberOfOutputs: Number(outputs.value) } : {}),
            ...(enhance.checked ? { enhancePrompt: true } : {}),
            ...(Object.keys(meta).length ? { metadata: meta } : {}),
          },
        });
        stop?.();
        stop = followGeneration(g, result);
      } catch (err) {
        error.textContent = err instanceof ApiError ? `${err.code}: ${err.message}` : String(err);
      } finally {
        submit.disabled = false;
      }
    })();
  });
  replace(root, h('div', { class: 'playground' }, h('aside', { class: 'card' }, h('h3', {}, 'Model'), pickerSlot), formEl, result));
  return () => stop?.();
}
