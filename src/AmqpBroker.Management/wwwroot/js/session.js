// Who is logged in (name and tags from /api/whoami) and which vhost the lists are narrowed to.

import { enc } from './format.js';

const state = { user: null, tags: [], vhost: '' };

export function setUser(whoami) {
  state.user = whoami.name;
  state.tags = Array.isArray(whoami.tags) ? whoami.tags : String(whoami.tags ?? '').split(',').filter(t => t);
}

export function clearUser() {
  state.user = null;
  state.tags = [];
  state.vhost = '';
}

export const user = () => state.user;
export const isAdministrator = () => state.tags.includes('administrator');
export const isPolicymaker = () => isAdministrator() || state.tags.includes('policymaker');
export const isMonitoring = () => isAdministrator() || state.tags.includes('monitoring');

export function setVhost(vhost) {
  state.vhost = vhost;
}

export const vhost = () => state.vhost;

/** A list path narrowed to the selected vhost: /queues or /queues/%2F. */
export function listPath(kind) {
  return state.vhost ? `/${kind}/${enc(state.vhost)}` : `/${kind}`;
}
