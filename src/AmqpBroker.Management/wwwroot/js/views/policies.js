// Policies: everyone sees those of their vhosts; policymakers and administrators add, change and
// delete them. Known keys pick their value type; the API validates every key and its value and the
// page shows its answer as it is.

import * as api from '../api.js';
import { field, h, section, select } from '../dom.js';
import { actionForm, deleteButton, keyValueEditor } from '../forms.js';
import * as f from '../format.js';
import { isPolicymaker, listPath } from '../session.js';
import { listTable } from '../table.js';
import { adminNav } from './admin.js';

const NUMBER_KEYS = ['max-length', 'max-length-bytes', 'message-ttl', 'expires', 'delivery-limit', 'max-in-memory-length',
  'max-in-memory-bytes', 'initial-cluster-size', 'stream-max-segment-size-bytes', 'queue-version', 'consumer-timeout',
  'stream-filter-size-bytes', 'consumer-disconnected-timeout'];
const STRING_KEYS = ['dead-letter-exchange', 'dead-letter-routing-key', 'overflow', 'queue-mode', 'alternate-exchange',
  'dead-letter-strategy', 'queue-leader-locator', 'queue-master-locator', 'max-age', 'ha-mode', 'ha-sync-mode'];

export async function policiesView(main, _, context) {
  const list = listTable({ title: 'Policies', path: () => listPath('policies'), columns: [
    { label: 'Virtual host', sort: 'vhost', render: p => p.vhost },
    { label: 'Name', sort: 'name', render: p => p.name },
    { label: 'Pattern', sort: 'pattern', render: p => p.pattern },
    { label: 'Apply to', sort: 'apply-to', render: p => p['apply-to'] },
    { label: 'Definition', render: p => Object.entries(p.definition).map(([k, v]) => `${k}: ${f.value(v)}`).join(', ') },
    { label: 'Priority', sort: 'priority', numeric: true, render: p => String(p.priority) },
    { label: '', render: p => (isPolicymaker() ? deleteButton('Delete', `Delete policy ${p.name}?`,
      `/policies/${f.enc(p.vhost)}/${f.enc(p.name)}`, `Policy ${p.name} deleted.`, list.refresh) : '') },
  ] });
  main.append(h('h1', {}, 'Policies'), adminNav(), list.element);
  if (isPolicymaker()) main.append(section('Add or update a policy', await policyForm(list.refresh)));
  return context.every(15000, list.poll);
}

async function policyForm(onSaved) {
  const vhosts = await api.get('/vhosts?columns=name');
  const definition = keyValueEditor('Definition', {
    keys: [...NUMBER_KEYS, ...STRING_KEYS],
    typeFor: key => (NUMBER_KEYS.includes(key) ? 'number' : STRING_KEYS.includes(key) ? 'string' : null),
  });
  return actionForm(null, [
    field('Virtual host', select('vhost', vhosts.map(v => v.name), vhosts[0]?.name)),
    field('Name', h('input', { name: 'name', required: true })),
    field('Pattern (regular expression)', h('input', { name: 'pattern', required: true, value: '.*' })),
    field('Apply to', select('apply-to', [['all', 'Exchanges and queues'], ['queues', 'Queues'], ['exchanges', 'Exchanges']], 'all')),
    field('Priority', h('input', { name: 'priority', type: 'number', value: '0' })),
    definition.element,
  ], 'Save policy', async data => {
    await api.put(`/policies/${f.enc(data.vhost)}/${f.enc(data.name)}`, {
      pattern: data.pattern, 'apply-to': data['apply-to'], priority: Number(data.priority || 0), definition: definition.value(),
    });
    await onSaved();
    return `Policy ${data.name} saved.`;
  });
}
