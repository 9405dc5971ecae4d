// Administration: users (tags, password, permissions) and virtual hosts. The API allows these to
// administrators only; anyone else gets the 403 page.

import * as api from '../api.js';
import { field, h, replace, section, select, table, uniqueId } from '../dom.js';
import { actionForm, deleteButton } from '../forms.js';
import * as f from '../format.js';
import { navigate } from '../router.js';
import { listTable } from '../table.js';

const TAGS = ['administrator', 'monitoring', 'policymaker', 'management'];

export function adminNav() {
  return h('nav', { 'aria-label': 'Admin', class: 'subnav' }, h('ul', {},
    [['#/users', 'Users'], ['#/vhosts', 'Virtual hosts'], ['#/policies', 'Policies'], ['#/shovels', 'Shovels'], ['#/definitions', 'Definitions']]
      .map(([href, text]) => h('li', {}, h('a', { href, 'aria-current': location.hash === href ? 'page' : null }, text)))));
}

function tagControls(selected = []) {
  const boxes = TAGS.map(tag => {
    const id = uniqueId(`tag-${tag}`);
    return h('span', { class: 'check' }, h('input', { type: 'checkbox', name: `tag-${tag}`, id, checked: selected.includes(tag) }), h('label', { for: id }, tag));
  });
  const others = selected.filter(t => !TAGS.includes(t)).join(', ');
  return h('fieldset', {}, h('legend', {}, 'Tags'), boxes, field('Other tags (comma-separated)', h('input', { name: 'other_tags', value: others })));
}

function readTags(data) {
  return [...TAGS.filter(tag => data[`tag-${tag}`]), ...String(data.other_tags ?? '').split(',').map(t => t.trim()).filter(t => t)].join(',');
}

export async function usersView(main, _, context) {
  await api.get('/users?page=1&page_size=1');
  const list = listTable({ title: 'Users', path: () => '/users', columns: [
    { label: 'Name', sort: 'name', render: u => h('a', { href: `#/users/${f.enc(u.name)}` }, u.name) },
    { label: 'Tags', sort: 'tags', render: u => [].concat(u.tags).join(', ') },
    { label: 'Can log in with a password', render: u => (u.password_hash ? 'yes' : 'no') },
  ] });
  main.append(h('h1', {}, 'Users'), adminNav(), list.element,
    section('Add a user', actionForm(null, [
      field('Username', h('input', { name: 'name', required: true, autocomplete: 'off' })),
      field('Password', h('input', { name: 'password', type: 'password', autocomplete: 'new-password' })),
      tagControls(['management']),
    ], 'Add user', async data => {
      await api.put(`/users/${f.enc(data.name)}`, { password: data.password, tags: readTags(data) });
      await list.refresh();
      return `User ${data.name} added.`;
    })));
  return context.every(15000, list.poll);
}

export async function userView(main, { name }) {
  const path = `/users/${f.enc(name)}`;
  const user = await api.get(path);
  const permissions = h('div');
  const vhosts = await api.get('/vhosts?columns=name');

  async function refreshPermissions() {
    const list = await api.get(`${path}/permissions`);
    replace(permissions, table('Permissions', ['Virtual host', 'Configure', 'Write', 'Read', ''], list.map(p => [
      p.vhost, p.configure, p.write, p.read,
      deleteButton('Clear', `Clear ${name}'s permissions in ${p.vhost}?`,
        `/permissions/${f.enc(p.vhost)}/${f.enc(name)}`, 'Permission cleared.', refreshPermissions)])));
  }

  main.append(h('h1', {}, 'User ', h('span', { class: 'object-name' }, name)), adminNav(),
    section('Permissions', permissions, actionForm('Set permission', [
      field('Virtual host', select('vhost', vhosts.map(v => v.name), vhosts[0]?.name)),
      field('Configure regexp', h('input', { name: 'configure', value: '.*' })),
      field('Write regexp', h('input', { name: 'write', value: '.*' })),
      field('Read regexp', h('input', { name: 'read', value: '.*' })),
    ], 'Set permission', async data => {
      await api.put(`/permissions/${f.enc(data.vhost)}/${f.enc(name)}`, { configure: data.configure, write: data.write, read: data.read });
      await refreshPermissions();
      return `Permission in ${data.vhost} set.`;
    })),
    section('Update this user', actionForm(null, [
      tagControls([].concat(user.tags)),
      field('New password (empty keeps the current one)', h('input', { name: 'password', type: 'password', autocomplete: 'new-password' })),
    ], 'Update user', async data => {
      const body = data.password ? { password: data.password } : { password_hash: user.password_hash, hashing_algorithm: user.hashing_algorithm };
      await api.put(path, { ...body, tags: readTags(data) });
      return `User ${name} updated.`;
    })),
    section('Delete this user', deleteButton('Delete user', `Delete user ${name}? Its connections are closed.`,
      path, `User ${name} deleted.`, () => navigate('#/users'))));
  await refreshPermissions();
}

export async function vhostsView(main, _, context) {
  const changed = () => window.dispatchEvent(new Event('vhosts-changed'));
  const list = listTable({ title: 'Virtual hosts', path: () => '/vhosts', columns: [
    { label: 'Name', sort: 'name', render: v => v.name },
    { label: 'Ready', sort: 'messages_ready', numeric: true, render: v => f.count(v.messages_ready) },
    { label: 'Unacked', sort: 'messages_unacknowledged', numeric: true, render: v => f.count(v.messages_unacknowledged) },
    { label: 'Total', sort: 'messages', numeric: true, render: v => f.count(v.messages) },
    { label: '', render: v => deleteButton('Delete', `Delete virtual host ${v.name} and everything in it?`,
      `/vhosts/${f.enc(v.name)}`, `Virtual host ${v.name} deleted.`, () => {
        changed();
        return list.refresh();
      }) },
  ] });
  // Every user may list its vhosts; managing them is for administrators, so others get the 403 page.
  await api.get('/users?page=1&page_size=1');
  main.append(h('h1', {}, 'Virtual hosts'), adminNav(), list.element,
    section('Add a virtual host', actionForm(null, [
      field('Name', h('input', { name: 'name', required: true })),
    ], 'Add virtual host', async data => {
      await api.put(`/vhosts/${f.enc(data.name)}`, {});
      changed();
      await list.refresh();
      return `Virtual host ${data.name} added; you have full permissions on it.`;
    })));
  return context.every(15000, list.poll);
}

