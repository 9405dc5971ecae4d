// One queue: its numbers and chart, arguments and effective policy, consumers, bindings, and the
// operator's actions (get, publish, move, purge, delete).

import * as api from '../api.js';
import { lineChart } from '../chart.js';
import { announce, facts, h, replace, section, table } from '../dom.js';
import { deleteButton } from '../forms.js';
import * as f from '../format.js';
import { navigate } from '../router.js';
import { queueBindings } from './bindings.js';
import { REFRESH_MS } from './lists.js';
import { getMessagesSection, headerTable, moveSection, publishForm } from './messages.js';

const RATE_KEYS = [
  { key: 'publish', label: 'Incoming' },
  { key: 'deliver_get', label: 'Deliver / get' },
  { key: 'redeliver', label: 'Redelivered' },
  { key: 'ack', label: 'Ack' },
];

export async function queueView(main, { vhost, name }, context) {
  const path = `/queues/${f.enc(vhost)}/${f.enc(name)}`;
  await api.get(path);
  const summary = h('div');
  const details = h('div');
  const consumers = h('div');
  const queued = lineChart({ title: 'Queued messages', format: f.count,
    series: [{ key: 'messages_ready', label: 'Ready' }, { key: 'messages_unacknowledged', label: 'Unacked' }, { key: 'messages', label: 'Total' }] });
  const rates = lineChart({ title: 'Message rates', format: f.rate, series: RATE_KEYS });

  async function refresh() {
    const queue = await api.get(path);
    const stats = queue.message_stats ?? {};
    queued.add(queue);
    rates.add(Object.fromEntries(RATE_KEYS.map(({ key }) => [key, stats[`${key}_details`]?.rate ?? 0])));
    renderSummary(summary, queue);
    renderDetails(details, queue);
    replace(consumers, table(null, ['Channel', 'Consumer tag', 'Ack required', 'Exclusive', 'Prefetch', 'Active'],
      (queue.consumer_details ?? []).map(c => [
        h('a', { href: f.connectionHref(c.channel_details.connection_name) }, c.channel_details.name),
        c.consumer_tag, c.ack_required ? 'yes' : 'no', c.exclusive ? 'yes' : 'no', f.count(c.prefetch_count), c.activity_status])));
  }
  const changed = message => {
    if (message) announce(message);
    return Promise.all([refresh(), bindings.refresh()]);
  };
  const bindings = queueBindings(vhost, name, changed);

  main.append(
    h('h1', {}, 'Queue ', h('span', { class: 'object-name' }, name)),
    h('p', { class: 'subtitle' }, `in virtual host ${vhost}`),
    summary,
    h('div', { class: 'charts' }, queued.element, rates.element),
    section('Details', details),
    section('Consumers', consumers),
    bindings.element,
    h('div', { class: 'columns' },
      getMessagesSection(vhost, name, () => refresh()),
      section('Publish message', publishForm(null, { vhost, exchange: '', routingKey: name }))),
    h('div', { class: 'columns' },
      moveSection(vhost, name, () => refresh()),
    section('Purge and delete',
      h('p', {}, deleteButton('Purge messages', 'Remove every ready message from this queue?',
        `${path}/contents`, `Queue ${name} purged.`, refresh)),
      h('p', {}, deleteButton('Delete queue', `Delete queue ${name} and its messages?`,
        path, `Queue ${name} deleted.`, () => navigate('#/queues'))))));
  await bindings.refresh();
  return context.every(REFRESH_MS, refresh);
}

function renderSummary(target, q) {
  replace(target, h('dl', { class: 'numbers' },
    [['Ready', f.count(q.messages_ready)], ['Unacked', f.count(q.messages_unacknowledged)], ['Total', f.count(q.messages)],
      ['Consumers', f.count(q.consumers)], ['Memory', f.bytes(q.memory)], ['State', q.state]]
      .map(([label, value]) => h('div', {}, h('dt', {}, label), h('dd', {}, value)))));
}

function renderDetails(target, q) {
  replace(target, facts([
    ['Type', q.type],
    ['Features', [q.durable ? 'durable' : 'transient', q.auto_delete ? 'auto-delete' : null, q.exclusive ? 'exclusive' : null].filter(x => x).join(', ')],
    ['Arguments', Object.keys(q.arguments ?? {}).length ? headerTable(q.arguments, null) : 'none'],
    ['Policy', q.policy ?? 'none'],
    ['Effective policy definition', Object.keys(q.effective_policy_definition ?? {}).length ? headerTable(q.effective_policy_definition, null) : 'none'],
    q.owner_pid_details ? ['Exclusive owner', h('a', { href: f.connectionHref(q.owner_pid_details.name) }, q.owner_pid_details.name)] : null,
    q.single_active_consumer_tag ? ['Single active consumer', q.single_active_consumer_tag] : null,
  ]));
}
