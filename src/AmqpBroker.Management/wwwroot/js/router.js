// Hash routes (#/queues/%2F/name) mapped to views. A view renders into <main> and may register
// refreshers; leaving the view stops them, so nothing polls for a page that is not shown.

import { ApiError, loggedIn } from './api.js';
import { h, replace } from './dom.js';

const routes = [];
let current = null;

/** Registers a view for a pattern such as "/queues/:vhost/:name". */
export function route(pattern, view) {
  const names = [];
  const source = pattern.replace(/:([a-z]+)/g, (_, name) => {
    names.push(name);
    return '([^/]*)';
  });
  routes.push({ regex: new RegExp(`^${source}$`), names, view });
}

export function start(main) {
  window.addEventListener('hashchange', () => show(main));
  show(main);
}

export function stop() {
  current?.leave();
  current = null;
}

/** Re-renders the current view, e.g. after a change it made. */
export function reload() {
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

export function navigate(hash) {
  if (location.hash === hash) reload();
  else location.hash = hash;
}

function match(path) {
  for (const { regex, names, view } of routes) {
    const found = regex.exec(path);
    if (found) {
      const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(found[i + 1])]));
      return { view, params };
    }
  }
  return null;
}

class ViewContext {
  constructor() {
    this.timers = [];
    this.left = false;
  }

  /** Runs fn now and then every ms milliseconds while the view is shown; a run never overlaps the next. */
  every(ms, fn) {
    let running = false;
    const tick = async () => {
      if (running || this.left) return;
      running = true;
      try {
        await fn();
      } catch (e) {
        if (!(e instanceof ApiError)) console.error(e);
      } finally {
        running = false;
      }
    };
    this.timers.push(setInterval(tick, ms));
    return tick();
  }

  leave() {
    this.left = true;
    this.timers.forEach(clearInterval);
  }
}

async function show(main) {
  current?.leave();
  current = null;
  if (!loggedIn()) return;
  const path = (location.hash || '#/').slice(1).split('?')[0];
  const found = match(path);
  const context = new ViewContext();
  current = context;
  markCurrentTab(path);
  // Each showing renders into a page of its own: a slower, earlier showing that finishes after a newer one
  // started writes into its page, which is no longer in the document, instead of adding to the new one.
  const page = h('div', { class: 'page' });
  replace(main, page);
  if (!found) {
    replace(page, h('h1', {}, 'Not found'), h('p', {}, `There is no page at ${path}.`));
    return;
  }
  try {
    await found.view(page, found.params, context);
  } catch (e) {
    if (context.left) return;
    replace(page, errorPanel(e));
  }
  // Only the showing still current takes the focus: an earlier one finishing late must not pull it away.
  if (current === context) main.focus({ preventScroll: true });
}

/** A failed page load: 403 for a user whose tags do not allow the page, as RabbitMQ's UI does. */
function errorPanel(e) {
  if (e instanceof ApiError && e.forbidden) {
    return h('section', { class: 'panel forbidden', role: 'alert' },
      h('h1', {}, '403 Forbidden'),
      h('p', {}, `Your user may not see this page: ${e.message}.`));
  }
  if (e instanceof ApiError && e.status === 404) {
    return h('section', { class: 'panel', role: 'alert' }, h('h1', {}, 'Not found'), h('p', {}, 'It does not exist (any more).'));
  }
  return h('section', { class: 'panel', role: 'alert' }, h('h1', {}, 'Error'), h('p', { class: 'error' }, e.message));
}

function markCurrentTab(path) {
  const section = path.split('/')[1] ?? '';
  const adminPages = ['admin', 'users', 'vhosts', 'policies', 'permissions', 'definitions'];
  for (const link of document.querySelectorAll('nav .tabs a')) {
    const target = link.getAttribute('href').slice(2);
    const active = target === section || (target === 'admin' && adminPages.includes(section));
    if (active) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}
