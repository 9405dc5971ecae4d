// Shovels: their status as /api/shovels reports it, and, for policymakers, adding one (a runtime parameter of
// component shovel, RabbitMQ's JSON) and deleting one. The API validates the definition and the page shows its answer.

import * as api from '../api.js';
import { field, h, section, select } from '../dom.js';
import { actionForm, deleteButton } from '../forms.js';
import * as f from '../format.js';
import { isPolicymaker, listPath } from '../session.js';
import { listTable } from '../table.js';
import { adminNav } from './admin.js';

export async function shovelsView(main, _, context) {
  const list = listTable({ title: 'Shovels', path: () => listPath('shovels'), columns: [
    { label: 'Virtual host', sort: 'vhost', render: s => s.vhost },
    { label: 'Name', sort: 'name', render: s => s.name },
    { label: 'State', sort: 'state', render: s => s.state },
    { label: 'Source', render: s => `${s.src_uri ?? ''} ${s.src_queue ?? s.src_exchange ?? ''}` },
    { label: 'Destination', render: s => `${s.dest_uri ?? ''} ${s.dest_queue ?? s.dest_exchange ?? ''}` },
    { label: 'Reason', render: s => s.reason ?? '' },
    { label: '', render: s => (isPolicymaker() ? deleteButton('Delete', `Delete shovel ${s.name}?`,
      `/parameters/shovel/${f.enc(s.vhost)}/${f.enc(s.name)}`, `Shovel ${s.name} deleted.`, list.refresh) : '') },
  ] });
  main.append(h('h1', {}, 'Shovels'), adminNav(), list.element);
  if (isPolicymaker()) main.append(section('Add a shovel', await shovelForm(list.refresh)));
  return context.every(5000, list.poll);
}

async function shovelForm(onSaved) {
  const vhosts = await api.get('/vhosts?columns=name');
  return actionForm(null, [
    field('Virtual host', select('vhost', vhosts.map(v => v.name), vhosts[0]?.name)),
    field('Name', h('input', { name: 'name', required: true })),
    field('Source URI', h('input', { name: 'src-uri', required: true, value: 'amqp://' })),
    field('Source queue', h('input', { name: 'src-queue', required: true })),
    field('Destination URI', h('input', { name: 'dest-uri', required: true, value: 'amqp://' })),
    field('Destination queue', h('input', { name: 'dest-queue', required: true })),
    field('Acknowledgement mode', select('ack-mode', ['on-confirm', 'on-publish', 'no-ack'], 'on-confirm')),
    field('Delete after', select('src-delete-after', [['never', 'Never'], ['queue-length', 'The queue is empty']], 'never')),
  ], 'Add shovel', async data => {
    const value = Object.fromEntries(['src-uri', 'src-queue', 'dest-uri', 'dest-queue', 'ack-mode', 'src-delete-after'].map(k => [k, data[k]]));
    await api.put(`/parameters/shovel/${f.enc(data.vhost)}/${f.enc(data.name)}`, { value });
    await onSaved();
    return `Shovel ${data.name} added.`;
  });
}
