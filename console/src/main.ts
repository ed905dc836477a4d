import { currentSession, loadSession, signOut } from './api';
import { h, replace } from './dom';
import { renderBatches } from './views/batches';
import { renderCompare } from './views/compare';
import { renderDetail } from './views/detail';
import { renderGenerations } from './views/generations';
import { renderOperations } from './views/operations';
import { renderPlayground } from './views/playground';

/** What a view leaves running (an event stream, an observer) is stopped when the route changes. */
export type Cleanup = () => void;
type View = (root: HTMLElement, id?: string) => Cleanup | void | Promise<Cleanup | void>;

const ROUTES: Array<{ path: string; label: string; view?: View; admin?: boolean; href?: string }> = [
  { path: 'playground', label: 'Playground', view: renderPlayground },
  { path: 'generations', label: 'Generations', view: renderGenerations },
  { path: 'compare', label: 'Compare', view: renderCompare },
  { path: 'batches', label: 'Batches', view: renderBatches },
  { path: 'experiments', label: 'Experiments', admin: true, href: '/admin/experiments' },
  { path: 'operations', label: 'Operations', view: renderOperations, admin: true },
];

let cleanup: Cleanup | void;

async function route(main: HTMLElement, nav: HTMLElement): Promise<void> {
  cleanup?.();
  cleanup = undefined;
  const [path = 'playground', id] = location.hash.replace(/^#\/?/, '').split('?')[0]!.split('/');
  const entry = ROUTES.find((r) => r.path === path) ?? ROUTES[0]!;
  for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', a.dataset.path === entry.path);
  // Generation detail pages live under #/generations/<id>.
  const view = entry.path === 'generations' && id ? renderDetail : entry.view;
  replace(main);
  if (!view) return;
  if (entry.admin && currentSession()?.role !== 'admin') {
    replace(main, h('p', { class: 'error' }, 'This view needs an admin API key: sign out and sign in with one.'));
    return;
  }
  try {
    cleanup = await view(main, id ? decodeURIComponent(id) : undefined);
  } catch (err) {
    main.append(h('p', { class: 'error' }, err instanceof Error ? err.message : String(err)));
  }
}

async function start(): Promise<void> {
  const app = document.getElementById('app')!;
  const session = await loadSession();
  if (!session) {
    // Opened with a header key (a proxy that adds one), or the session ended meanwhile: the
    // console needs a browser session for its CSRF token, which signing in gives.
    replace(app, h('p', { class: 'boot' }, 'No browser session. ', h('a', { href: '/console' }, 'Sign in'), ' with an API key.'));
    return;
  }
  const nav = h(
    'nav',
    { class: 'nav' },
    ...ROUTES.filter((r) => !r.admin || session.role === 'admin').map((r) => h('a', { href: r.href ?? `#/${r.path}`, 'data-path': r.path }, r.label)),
  );
  const who = h('span', { class: 'who', title: `key ${session.keyId}` }, `${session.owner} · ${session.role}`);
  const out = h('button', { type: 'button', id: 'sign-out', class: 'link' }, 'Sign out');
  out.addEventListener('click', () => void signOut().then(() => location.reload()));
  const main = h('main', { id: 'view' });
  replace(app, h('header', { class: 'top' }, h('a', { class: 'brand', href: '#/playground' }, 'genflow'), nav, h('span', { class: 'spacer' }), who, out), main);
  window.addEventListener('hashchange', () => void route(main, nav));
  await route(main, nav);
}

void start();
