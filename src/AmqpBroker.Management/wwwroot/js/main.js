// Starts the page: the login form until credentials work, then the header and the routed views.

import * as api from './api.js';
import { h, replace } from './dom.js';
import { start, stop } from './router.js';
import * as session from './session.js';
import './views/routes.js';

const header = document.querySelector('header.top');
const main = document.getElementById('main');
const loginSection = document.getElementById('login');
const loginForm = document.getElementById('login-form');
const loginError = document.getElementById('login-error');
const vhostSelect = document.getElementById('vhost-filter');
let started = false;

function showLogin(message = '') {
  stop();
  session.clearUser();
  header.hidden = true;
  main.replaceChildren();
  loginSection.hidden = false;
  loginError.textContent = message;
  document.getElementById('login-user').focus();
}

async function fillVhosts() {
  const vhosts = await api.get('/vhosts?columns=name');
  replace(vhostSelect, h('option', { value: '' }, 'All'),
    vhosts.map(v => h('option', { value: v.name, selected: v.name === session.vhost() }, v.name)));
}

loginForm.addEventListener('submit', async event => {
  event.preventDefault();
  const user = loginForm.elements.username.value;
  const password = loginForm.elements.password.value;
  try {
    session.setUser(await api.login(user, password));
  } catch (e) {
    loginError.textContent = e.status === 401 ? `Login failed: ${e.message}` : e.message;
    return;
  }
  loginForm.reset();
  loginSection.hidden = true;
  header.hidden = false;
  document.getElementById('whoami').textContent = `${session.user()}`;
  await fillVhosts();
  if (started) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else start(main);
  started = true;
});

document.getElementById('logout').addEventListener('click', () => {
  api.logout();
  location.hash = '#/';
  showLogin('You are logged out.');
});

vhostSelect.addEventListener('change', () => {
  session.setVhost(vhostSelect.value);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
});

api.whenLoggedOut(message => showLogin(`Logged out: ${message}`));
window.addEventListener('vhosts-changed', () => fillVhosts().catch(() => {}));
showLogin();
