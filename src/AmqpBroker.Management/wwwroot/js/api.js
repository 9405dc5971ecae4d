// The page's only way to the broker: RabbitMQ's HTTP API under ./api, with HTTP Basic credentials that
// live in this module's memory alone (never in localStorage, sessionStorage or a cookie), so closing or
// reloading the tab logs out.

let authorization = null;
let onLoggedOut = () => {};

export class ApiError extends Error {
  constructor(status, error, reason, body = {}) {
    super(reason || error || `HTTP ${status}`);
    this.status = status;
    this.error = error;
    this.body = body;
  }

  /** RabbitMQ 3.10 answers 401 "not_authorised" to a logged-in user whose tags do not allow the call. */
  get forbidden() {
    return this.status === 403 || (this.status === 401 && this.error === 'not_authorised');
  }
}

function basic(user, password) {
  const utf8 = new TextEncoder().encode(`${user}:${password}`);
  let binary = '';
  for (const byte of utf8) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

/** Checks the credentials with /api/whoami and keeps them for later calls; returns whoami's answer. */
export async function login(user, password) {
  const candidate = basic(user, password);
  const whoami = await send('GET', '/whoami', undefined, {}, candidate);
  authorization = candidate;
  return whoami;
}

export function logout() {
  authorization = null;
}

export function whenLoggedOut(callback) {
  onLoggedOut = callback;
}

export function loggedIn() {
  return authorization !== null;
}

async function send(method, path, body, headers, credentials) {
  const init = { method, headers: { ...headers, Authorization: credentials }, credentials: 'omit', cache: 'no-store' };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  // credentials: 'omit' keeps the browser from showing its own login dialog on a 401.
  const response = await fetch(`api${path}`, init);
  if (response.ok) {
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  }
  let error = {};
  try {
    error = await response.json();
  } catch {
    // A bare 401 challenge or a proxy's page: the status says enough.
  }
  throw new ApiError(response.status, error.error, error.reason, error);
}

async function call(method, path, body, headers = {}) {
  if (authorization === null) throw new ApiError(401, 'not_authorized', 'Not logged in');
  try {
    return await send(method, path, body, headers, authorization);
  } catch (e) {
    // The user was deleted or its password changed: back to the login form.
    if (e instanceof ApiError && e.status === 401 && !e.forbidden) {
      authorization = null;
      onLoggedOut(e.message);
    }
    throw e;
  }
}

export const get = path => call('GET', path);
export const put = (path, body) => call('PUT', path, body ?? {});
export const post = (path, body) => call('POST', path, body ?? {});
export const del = (path, headers) => call('DELETE', path, undefined, headers);
export const upload = (path, form) => call('POST', path, form);

/** A GET answered as a file: the definitions export, saved through a temporary object URL. */
export async function download(path, fileName) {
  const data = await get(path);
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: fileName });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
  return data;
}
