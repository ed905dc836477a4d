// The experiments page: plain DOM + inline SVG charts, no build step and no network beyond this API.
'use strict';

const COLORS = ['#2f6fed', '#e8590c', '#2b8a3e', '#ae3ec9', '#0c8599', '#c92a2a', '#5c940d', '#862e9c', '#1864ab', '#d9480f'];
const state = { models: [], selected: location.hash.slice(1) || null, segment: '', timer: null };

const $ = (sel) => document.querySelector(sel);
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const pct = (x) => (x === undefined || x === null ? '–' : `${(x * 100).toFixed(1)}%`);
const num = (x, d = 2) => (x === undefined || x === null ? '–' : Number(x).toFixed(d));
const ms = (x) => (x === undefined || x === null ? '–' : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${Math.round(x)} ms`);

// The browser session (an HttpOnly cookie this script cannot read) authenticates the calls; a
// state-changing call also carries the session's CSRF token, read once from GET /admin/session.
const session = { csrfToken: '', csrfHeader: 'X-CSRF-Token' };

async function api(path, options = {}) {
  const unsafe = options.method && options.method !== 'GET';
  const headers = { 'content-type': 'application/json', ...(unsafe ? { [session.csrfHeader]: session.csrfToken } : {}) };
  const res = await fetch(path, { ...options, headers, credentials: 'same-origin' });
  // The session ended (signed out elsewhere, expired, key revoked): back to the sign-in form.
  if (res.status === 401) location.reload();
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error ? `${body.error.code}: ${body.error.message}` : `HTTP ${res.status}`);
  return body;
}

async function signOut() {
  await fetch('/admin/session', { method: 'DELETE', headers: { [session.csrfHeader]: session.csrfToken }, credentials: 'same-origin' });
  location.reload();
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

// ---------------------------------------------------------------- list
async function loadList() {
  const { data } = await api('/v1/experiments');
  const list = $('#list');
  list.replaceChildren(
    ...data.map((e) =>
      el('tr', { class: e.id === state.selected ? 'selected' : '', 'data-id': e.id, onclick: () => select(e.id) },
        el('td', {}, e.name), el('td', {}, el('span', { class: `badge ${e.status}` }, e.status))),
    ),
  );
  if (data.length === 0) list.append(el('tr', {}, el('td', { colspan: 2, class: 'muted' }, 'No experiments yet.')));
}

function select(id) {
  state.selected = id;
  state.segment = '';
  location.hash = id;
  void refresh();
}

// ---------------------------------------------------------------- create form
function addVariantRow(name = '', model = '', weight = '1') {
  const options = state.models.map((m) => el('option', { value: m.id, selected: m.id === model }, m.id));
  $('#variants').append(
    el('div', { class: 'variant-row' },
      el('input', { placeholder: 'name', value: name, 'aria-label': 'variant name', class: 'v-name', required: true }),
      el('select', { 'aria-label': 'variant model', class: 'v-model' }, options),
      el('input', { type: 'number', min: '0', step: 'any', value: weight, 'aria-label': 'variant weight', class: 'v-weight' }),
      el('input', { placeholder: 'parameters as JSON, e.g. {"width": 768}', 'aria-label': 'variant parameters', class: 'v-params' })),
  );
}

async function onCreate(event) {
  event.preventDefault();
  $('#create-error').textContent = '';
  try {
    await createFrom(event.target);
  } catch (err) {
    $('#create-error').textContent = err.message;
  }
}

function parseParams(text, name) {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`parameters of variant ${name || '?'} are not valid JSON`);
  }
}

async function createFrom(f) {
  const rows = [...document.querySelectorAll('.variant-row')];
  const [metric, goal] = f.metric.value.split(':');
  const stopRules = { minSamplesPerVariant: Number(f.minSamples.value), confidence: Number(f.confidence.value) };
  if (f.maxDays.value) stopRules.maxDays = Number(f.maxDays.value);
  if (f.maxCost.value) stopRules.maxCost = Number(f.maxCost.value);
  const body = {
    name: f.name.value,
    ...(f.description.value ? { description: f.description.value } : {}),
    variants: rows.map((r) => {
      const name = r.querySelector('.v-name').value;
      const parameters = parseParams(r.querySelector('.v-params').value, name);
      return { name, model: r.querySelector('.v-model').value, ...(parameters ? { parameters } : {}) };
    }),
    allocation: f.allocation.value === 'fixed' ? { type: 'fixed', weights: rows.map((r) => Number(r.querySelector('.v-weight').value)) } : { type: 'thompson' },
    metrics: [
      { name: metric, goal, primary: true },
      ...[['success_rate', 'maximize'], ['latency', 'minimize'], ['cost', 'minimize'], ['rating', 'maximize']]
        .filter(([m]) => m !== metric).map(([name, g]) => ({ name, goal: g })),
    ],
    stopRules,
    recomputeIntervalSeconds: Number(f.interval.value),
  };
  const created = await api('/v1/experiments', { method: 'POST', body: JSON.stringify(body) });
  f.reset();
  $('#variants').replaceChildren();
  addVariantRow('A', state.models[0]?.id);
  addVariantRow('B', state.models[0]?.id);
  select(created.id);
}

// ---------------------------------------------------------------- charts (inline SVG)
const W = 360;
const H = 180;
const PAD = { l: 44, r: 10, t: 10, b: 28 };

function svg(inner, height = H) {
  return `<svg viewBox="0 0 ${W} ${height}" width="100%" role="img" xmlns="http://www.w3.org/2000/svg">${inner}</svg>`;
}

function axisY(max, fmt, height = H) {
  let out = '';
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    const y = height - PAD.b - ((height - PAD.t - PAD.b) * i) / 4;
    out += `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${y}" y2="${y}" stroke="#eef0f3"/><text x="${PAD.l - 4}" y="${y + 3}" text-anchor="end">${esc(fmt(v))}</text>`;
  }
  return out;
}

/** One bar (or dot) per variant with an optional interval whisker. */
function barChart(variants, value, interval, fmt, { dots = false, max, empty = 'no data yet' } = {}) {
  const values = variants.map(value);
  if (!values.some((v) => v !== undefined && v !== null && (max !== undefined || v > 0))) {
    return svg(`<text x="${W / 2}" y="${H / 2}" text-anchor="middle">${esc(empty)}</text>`);
  }
  const highs = variants.map((v, i) => interval(v)?.high ?? values[i] ?? 0);
  const top = max ?? Math.max(1e-9, ...highs) * 1.1;
  const plotH = H - PAD.t - PAD.b;
  const slot = (W - PAD.l - PAD.r) / variants.length;
  const y = (v) => H - PAD.b - (plotH * v) / top;
  let out = axisY(top, fmt);
  variants.forEach((v, i) => {
    const x = PAD.l + slot * i + slot / 2;
    const color = COLORS[i % COLORS.length];
    const val = values[i];
    if (val !== undefined && val !== null) {
      if (dots) out += `<circle cx="${x}" cy="${y(val)}" r="5" fill="${color}" class="mark"/>`;
      else out += `<rect x="${x - slot * 0.3}" y="${y(val)}" width="${slot * 0.6}" height="${H - PAD.b - y(val)}" fill="${color}" opacity="0.85" class="mark"/>`;
      const ci = interval(v);
      if (ci) {
        out += `<line x1="${x}" x2="${x}" y1="${y(ci.low)}" y2="${y(ci.high)}" stroke="#1d2433" stroke-width="1.5" class="whisker"/>`;
        out += `<line x1="${x - 6}" x2="${x + 6}" y1="${y(ci.low)}" y2="${y(ci.low)}" stroke="#1d2433"/><line x1="${x - 6}" x2="${x + 6}" y1="${y(ci.high)}" y2="${y(ci.high)}" stroke="#1d2433"/>`;
      }
      // Beside a dot (its whisker runs through it), above a bar.
      out += dots
        ? `<text x="${x + 10}" y="${y(val) + 4}" class="value">${esc(fmt(val))}</text>`
        : `<text x="${x}" y="${y(val) - 4}" text-anchor="middle" class="value">${esc(fmt(val))}</text>`;
    }
    out += `<text x="${x}" y="${H - 10}" text-anchor="middle">${esc(v.name)}</text>`;
  });
  return svg(out);
}

/** Latency histograms of all variants, as step lines over log-spaced buckets. */
function latencyChart(results) {
  const edges = results.latencyBucketEdgesMs;
  const used = results.variants.flatMap((v) => v.latencyMs.histogram.map((c, i) => (c > 0 ? i : -1))).filter((i) => i >= 0);
  if (used.length === 0) return svg(`<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no successful generations yet</text>`);
  const lo = Math.max(0, Math.min(...used) - 1);
  const hi = Math.min(edges.length, Math.max(...used) + 1);
  const shares = results.variants.map((v) => {
    const total = v.latencyMs.histogram.reduce((s, c) => s + c, 0) || 1;
    return v.latencyMs.histogram.map((c) => c / total);
  });
  const top = Math.max(...shares.flatMap((s) => s.slice(lo, hi + 1))) * 1.1 || 1;
  const buckets = hi - lo + 1;
  const bw = (W - PAD.l - PAD.r) / buckets;
  const plotH = H - PAD.t - PAD.b;
  let out = axisY(top, (v) => `${Math.round(v * 100)}%`);
  shares.forEach((s, vi) => {
    const pts = [];
    for (let b = lo; b <= hi; b++) {
      const x = PAD.l + (b - lo) * bw;
      const y = H - PAD.b - (plotH * (s[b] ?? 0)) / top;
      pts.push(`${x},${y}`, `${x + bw},${y}`);
    }
    out += `<polyline points="${pts.join(' ')}" fill="none" stroke="${COLORS[vi % COLORS.length]}" stroke-width="2" class="series"/>`;
  });
  for (let b = lo; b <= hi; b += Math.max(1, Math.ceil(buckets / 5))) {
    const edge = b === 0 ? 0 : edges[b - 1];
    out += `<text x="${PAD.l + (b - lo) * bw}" y="${H - 10}" text-anchor="middle">${esc(ms(edge))}</text>`;
  }
  return svg(out);
}

/** Traffic weights per variant over time (stacked would hide the bandit's shifts; lines show them). */
function allocationChart(results) {
  const hist = results.allocationHistory;
  if (hist.length === 0) return svg(`<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no allocation recorded yet</text>`);
  const t0 = hist[0].at;
  const t1 = Math.max(t0 + 1, hist[hist.length - 1].at);
  const plotH = H - PAD.t - PAD.b;
  const x = (t) => PAD.l + ((W - PAD.l - PAD.r) * (t - t0)) / (t1 - t0);
  const y = (w) => H - PAD.b - plotH * w;
  let out = axisY(1, (v) => `${Math.round(v * 100)}%`);
  results.variants.forEach((v, vi) => {
    const pts = hist.map((p) => `${x(p.at)},${y(p.weights[vi] ?? 0)}`);
    if (hist.length === 1) pts.push(`${W - PAD.r},${y(hist[0].weights[vi] ?? 0)}`);
    out += `<polyline points="${pts.join(' ')}" fill="none" stroke="${COLORS[vi % COLORS.length]}" stroke-width="2" class="series"/>`;
  });
  out += `<text x="${PAD.l}" y="${H - 10}">${esc(new Date(t0).toLocaleTimeString())}</text><text x="${W - PAD.r}" y="${H - 10}" text-anchor="end">${esc(new Date(t1).toLocaleTimeString())}</text>`;
  return svg(out);
}

function chart(title, svgText, id) {
  const box = el('div', { class: 'chart', id });
  box.append(el('h4', {}, title));
  box.insertAdjacentHTML('beforeend', svgText);
  return box;
}

function legend(variants) {
  return el('div', { class: 'row' }, variants.map((v, i) =>
    el('span', {}, swatch(COLORS[i % COLORS.length]), v.name)));
}

// Colours through the CSSOM: the page's CSP refuses style attributes.
function swatch(color) {
  const node = el('span', { class: 'swatch' });
  node.style.background = color;
  return node;
}

// ---------------------------------------------------------------- detail
async function act(id, action) {
  try {
    await api(`/v1/experiments/${id}/${action}`, { method: 'POST' });
  } catch (err) {
    alert(err.message);
  }
  await refresh();
}

async function refresh() {
  clearTimeout(state.timer);
  // A slower, older refresh must not paint over a newer one (e.g. right after a button click).
  const seq = (state.seq = (state.seq || 0) + 1);
  await loadList().catch(() => undefined);
  const id = state.selected;
  if (!id) return;
  const detail = $('#detail');
  try {
    const query = state.segment ? `?segment=${encodeURIComponent(state.segment)}` : '';
    const [exp, results] = await Promise.all([api(`/v1/experiments/${id}`), api(`/v1/experiments/${id}/results${query}`)]);
    if (seq !== state.seq) return;
    renderDetail(detail, exp, results);
    if (exp.status === 'running' || exp.status === 'paused') state.timer = setTimeout(refresh, 2000);
  } catch (err) {
    if (seq !== state.seq) return;
    detail.replaceChildren(el('p', { class: 'error' }, err.message));
  }
}

function renderDetail(detail, exp, results) {
  const s = exp.status;
  const actions = el('div', { class: 'row' },
    el('button', { class: 'primary', id: 'btn-start', disabled: s !== 'draft', onclick: () => act(exp.id, 'start') }, 'Start'),
    el('button', { id: 'btn-pause', disabled: s !== 'running', onclick: () => act(exp.id, 'pause') }, 'Pause'),
    el('button', { id: 'btn-resume', disabled: s !== 'paused', onclick: () => act(exp.id, 'resume') }, 'Resume'),
    el('button', { id: 'btn-complete', disabled: s === 'completed', onclick: () => confirm('Complete this experiment? It cannot be restarted.') && act(exp.id, 'complete') }, 'Complete'));
  const segments = el('select', { id: 'segment', 'aria-label': 'segment', onchange: (e) => { state.segment = e.target.value; void refresh(); } },
    el('option', { value: '' }, 'all traffic'),
    results.segments.map((seg) => el('option', { value: seg, selected: seg === state.segment }, seg)));
  const rec = results.recommendation;
  const bandit = exp.allocation.type === 'thompson';
  const table = el('table', { id: 'variants-table' },
    el('thead', {}, el('tr', {}, ['Variant', 'Model', 'Weight', 'Samples', 'Success (95% CI)', 'Latency mean · p50 · p95', 'Mean cost', 'Rating (95% CI)', ...(bandit ? ['P(best)'] : [])].map((h) => el('th', {}, h)))),
    el('tbody', {}, results.variants.map((v) => el('tr', {},
      el('td', {}, v.name, v.isControl ? el('span', { class: 'muted' }, ' (control)') : ''),
      el('td', {}, v.model),
      el('td', {}, pct(v.weight)),
      el('td', {}, String(v.samples)),
      el('td', {}, v.successRate === undefined ? '–' : `${pct(v.successRate)} (${pct(v.successRateInterval.low)}–${pct(v.successRateInterval.high)})`),
      el('td', {}, `${ms(v.latencyMs.mean)} · ${ms(v.latencyMs.p50)} · ${ms(v.latencyMs.p95)}`),
      el('td', {}, v.costUsd.mean === undefined ? '–' : `$${num(v.costUsd.mean, 4)}`),
      el('td', {}, v.rating.mean === undefined ? '–' : `${num(v.rating.mean)} ${v.rating.interval ? `(${num(v.rating.interval.low)}–${num(v.rating.interval.high)})` : ''} n=${v.rating.n}`),
      ...(bandit ? [el('td', {}, pct(v.probabilityToBeBest))] : [])))));
  const comparisons = el('table', { id: 'comparisons' },
    el('thead', {}, el('tr', {}, ['Variant vs control', 'Metric', 'Test', 'Difference', 'p-value'].map((h) => el('th', {}, h)))),
    el('tbody', {}, results.comparisons.map((c) => el('tr', {},
      el('td', {}, results.variants.find((v) => v.id === c.variantId)?.name ?? c.variantId),
      el('td', {}, c.metric), el('td', {}, c.test),
      el('td', {}, c.metric === 'success_rate' ? `${(c.difference * 100).toFixed(1)} pts` : c.metric === 'latency' ? ms(c.difference) : num(c.difference, 4)),
      el('td', {}, c.pValue < 0.0001 ? '< 0.0001' : c.pValue.toFixed(4))))));
  const charts = el('div', { class: 'charts' },
    chart('Success rate (95% interval)', barChart(results.variants, (v) => v.successRate, (v) => v.successRateInterval, (x) => `${Math.round(x * 100)}%`, { dots: true, max: 1 }), 'chart-success'),
    chart('Latency distribution (successful generations)', latencyChart(results), 'chart-latency'),
    chart('Mean cost per generation (USD)', barChart(results.variants, (v) => v.costUsd.mean, () => undefined, (x) => `$${x.toFixed(4)}`, { empty: 'every outcome so far cost $0 (free models)' }), 'chart-cost'),
    chart('Mean rating (95% interval)', barChart(results.variants, (v) => v.rating.mean, (v) => v.rating.interval, (x) => x.toFixed(1), { dots: true, max: 5 }), 'chart-rating'),
    chart('Allocation over time', allocationChart(results), 'chart-allocation'));
  detail.replaceChildren(
    el('div', { class: 'row' }, el('h2', { class: 'flush' }, exp.name), el('span', { class: `badge ${s}`, id: 'status' }, s),
      exp.stopReason ? el('span', { class: 'muted' }, `stopped: ${exp.stopReason}`) : '', el('span', { class: 'grow' }), actions),
    exp.description ? el('p', { class: 'muted' }, exp.description) : '',
    el('p', { class: 'muted' }, `${results.outcomes} outcomes · total cost $${num(results.totalCostUsd, 4)} · primary metric ${results.primaryMetric.name} (${results.primaryMetric.goal}) · ${exp.allocation.type === 'fixed' ? 'fixed split' : 'Thompson sampling'} · confidence ${results.confidence}`),
    el('div', { class: `recommendation${rec.decided ? ' decided' : ''}`, id: 'recommendation' }, rec.text),
    el('div', { class: 'row' }, el('label', { for: 'segment', class: 'flush' }, 'Segment'), el('span', { class: 'segment' }, segments), legend(results.variants)),
    el('h3', {}, 'Variants'), table,
    el('h3', {}, 'Against the control'), results.comparisons.length ? comparisons : el('p', { class: 'muted' }, 'No comparison yet: each variant needs outcomes.'),
    el('h3', {}, 'Charts'), charts,
  );
}

// ---------------------------------------------------------------- start
async function main() {
  // Opened with a header key (a script or a proxy that adds one) there is no session and no token to send.
  const res = await fetch('/admin/session', { credentials: 'same-origin' });
  if (res.ok) Object.assign(session, await res.json());
  $('#sign-out').hidden = !res.ok;
  $('#sign-out').addEventListener('click', () => void signOut());
  setInterval(() => ($('#clock').textContent = new Date().toLocaleTimeString()), 1000);
  state.models = (await api('/v1/models')).data;
  addVariantRow('A', state.models[0]?.id);
  addVariantRow('B', state.models[0]?.id);
  $('#add-variant').addEventListener('click', () => addVariantRow('', state.models[0]?.id));
  $('#create').addEventListener('submit', onCreate);
  window.addEventListener('hashchange', () => {
    const id = location.hash.slice(1);
    if (id && id !== state.selected) select(id);
  });
  await refresh();
}
main().catch((err) => ($('#detail').textContent = err.message));
