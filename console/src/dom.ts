/** A tiny element builder: the console has no framework, so views are plain functions of data. */
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

export const time = (iso: string | undefined | null): string => (iso ? new Date(iso).toLocaleString() : '—');
export const usd = (n: number | undefined): string => (n === undefined ? '—' : n === 0 ? '$0' : `$${n.toFixed(n < 0.01 ? 4 : 2)}`);
export const seconds = (from: string | undefined, to: string | undefined): string =>
  from && to ? `${((Date.parse(to) - Date.parse(from)) / 1000).toFixed(1)} s` : '—';
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** A status word styled by its value (`succeeded`, `failed`, ...). */
export const badge = (status: string): HTMLElement => h('span', { class: `badge status-${status}` }, status);

/** A text field of a form (FormData also holds files, which the console's filter forms do not have). */
export const field = (data: FormData, name: string): string => {
  const v = data.get(name);
  return typeof v === 'string' ? v.trim() : '';
};

/** Query parameters of the hash route (`#/generations?q=cat`). */
export function hashQuery(): URLSearchParams {
  const hash = location.hash;
  const i = hash.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : hash.slice(i + 1));
}
