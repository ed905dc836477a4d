import { h } from './dom';
import type { Generation, Output } from './types';

/** An output shown as what it is: image (stills, animated WebP/GIF), a video or audio player, or text. */
export function outputElement(o: Output): HTMLElement {
  const path = new URL(o.url, location.href).pathname;
  if (o.contentType.startsWith('image/')) return h('img', { src: path, alt: 'output', class: 'output', width: o.width, height: o.height });
  if (o.contentType.startsWith('video/')) return h('video', { src: path, controls: true, class: 'output', preload: 'metadata' });
  if (o.contentType.startsWith('audio/')) return h('audio', { src: path, controls: true, class: 'output' });
  if (o.contentType.startsWith('text/') || o.contentType === 'application/json') {
    const pre = h('pre', { class: 'output text' }, '…');
    void fetch(path).then(async (r) => (pre.textContent = await r.text()));
    return pre;
  }
  return h('a', { href: path, download: '' }, `download (${o.contentType})`);
}

const ICONS: Record<string, string> = { video: '▶', audio: '♪', text: '¶' };

/** A gallery tile: the server-made thumbnail of the first image output, else an icon for the kind. */
export function thumbnail(g: Generation): HTMLElement {
  const first = g.outputs[0];
  if (first?.contentType.startsWith('image/')) {
    return h('img', { src: `/v1/assets/${first.id}/thumbnail?size=256`, alt: g.prompt.slice(0, 80), loading: 'lazy', class: 'thumb' });
  }
  const family = first?.contentType.split('/')[0] ?? '';
  const label = first ? (ICONS[family] ?? '·') : g.status === 'failed' ? '✕' : g.status === 'canceled' ? '–' : '…';
  return h('div', { class: `thumb icon status-${g.status}` }, label);
}
