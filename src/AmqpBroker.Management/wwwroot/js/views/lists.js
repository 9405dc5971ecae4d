// The object lists: connections, channels, exchanges, queues and consumers, each paged, sorted and
// filtered by the server, refreshed every five seconds.

import { h } from '../dom.js';
import { listTable } from '../table.js';
import * as f from '../format.js';
import { listPath, vhost } from '../session.js';

export const REFRESH_MS = 5000;

const link = (href, text) => h('a', { href }, text);
const flags = pairs => pairs.filter(([on]) => on).map(([, abbreviation, title]) => h('abbr', { title, class: 'flag' }, abbreviation));
const rateOf = (row, path) => path.split('.').reduce((o, k) => o?.[k], row)?.rate;

function vhostPath(kind) {
  return () => (vhost() ? `/vhosts/${f.enc(vhost())}/${kind}` : `/${kind}`);
}

export const connectionColumns = [
  { label: 'Name', sort: 'name', render: c => link(f.connectionHref(c.name), c.user_provided_name ? `${c.name} (${c.user_provided_name})` : c.name) },
  { label: 'Virtual host', sort: 'vhost', render: c => c.vhost },
  { label: 'User', sort: 'user', render: c => c.user },
  { label: 'State', sort: 'state', render: c => c.state },
  { label: 'Client', sort: 'client_properties.product', render: c => [c.client_properties?.product, c.client_properties?.version].filter(x => x).join(' ') },
  { label: 'Channels', sort: 'channels', numeric: true, render: c => f.count(c.channels) },
  { label: 'Heartbeat', sort: 'timeout', numeric: true, render: c => `${c.timeout}s` },
  { label: 'Connected at', sort: 'connected_at', render: c => f.time(c.connected_at) },
];

export function connectionsView(main, _, context) {
  const list = listTable({ title: 'Connections', path: vhostPath('connections'), columns: connectionColumns });
  main.append(h('h1', {}, 'Connections'), list.element);
  return context.every(REFRESH_MS, list.poll);
}

export const channelColumns = [
  { label: 'Channel', sort: 'name', render: c => link(f.connectionHref(c.connection_details.name), c.name) },
  { label: 'Virtual host', sort: 'vhost', render: c => c.vhost },
  { label: 'User', sort: 'user', render: c => c.user },
  { label: 'Mode', render: c => flags([[c.confirm, 'C', 'confirm'], [c.transactional, 'T', 'transactional']]) },
  { label: 'Prefetch', sort: 'prefetch_count', numeric: true, render: c => f.count(c.prefetch_count) },
  { label: 'Unacked', sort: 'messages_unacknowledged', numeric: true, render: c => f.count(c.messages_unacknowledged) },
  { label: 'Consumers', sort: 'consumer_count', numeric: true, render: c => f.count(c.consumer_count) },
  { label: 'Publish', sort: 'message_stats.publish_details.rate', numeric: true, render: c => f.rate(rateOf(c, 'message_stats.publish_details')) },
  { label: 'Deliver / get', sort: 'message_stats.deliver_get_details.rate', numeric: true, render: c => f.rate(rateOf(c, 'message_stats.deliver_get_details')) },
  { label: 'Ack', sort: 'message_stats.ack_details.rate', numeric: true, render: c => f.rate(rateOf(c, 'message_stats.ack_details')) },
];

export function channelsView(main, _, context) {
  const list = listTable({ title: 'Channels', path: vhostPath('channels'), columns: channelColumns });
  main.append(h('h1', {}, 'Channels'), list.element);
  return context.every(REFRESH_MS, list.poll);
}

const exchangeColumns = [
  { label: 'Virtual host', sort: 'vhost', render: e => e.vhost },
  { label: 'Name', sort: 'name', render: e => link(f.exchangeHref(e.vhost, e.name), f.exchangeLabel(e.name)) },
  { label: 'Type', sort: 'type', render: e => e.type },
  { label: 'Features', render: e => flags([[e.durable, 'D', 'durable'], [e.auto_delete, 'AD', 'auto-delete'], [e.internal, 'I', 'internal']]) },
  { label: 'Policy', sort: 'policy', render: e => e.policy ?? '' },
];

export function exchangesView(main, _, context) {
  const list = listTable({ title: 'Exchanges', path: () => listPath('exchanges'), columns: exchangeColumns });
  main.append(h('h1', {}, 'Exchanges'), list.element);
  return context.every(REFRESH_MS, list.poll);
}

export const queueColumns = [
  { label: 'Virtual host', sort: 'vhost', render: q => q.vhost },
  { label: 'Name', sort: 'name', render: q => link(f.queueHref(q.vhost, q.name), q.name) },
  { label: 'Type', sort: 'type', render: q => q.type },
  { label: 'Features', render: q => flags([[q.durable, 'D', 'durable'], [q.auto_delete, 'AD', 'auto-delete'], [q.exclusive, 'Excl', 'exclusive'],
    [Object.keys(q.arguments ?? {}).length > 0, 'Args', Object.keys(q.arguments ?? {}).join(', ')]]) },
  { label: 'Policy', sort: 'policy', render: q => q.policy ?? '' },
  { label: 'State', sort: 'state', render: q => q.state },
  { label: 'Ready', sort: 'messages_ready', numeric: true, render: q => f.count(q.messages_ready) },
  { label: 'Unacked', sort: 'messages_unacknowledged', numeric: true, render: q => f.count(q.messages_unacknowledged) },
  { label: 'Total', sort: 'messages', numeric: true, render: q => f.count(q.messages) },
  { label: 'Incoming', sort: 'message_stats.publish_details.rate', numeric: true, render: q => f.rate(rateOf(q, 'message_stats.publish_details') ?? 0) },
  { label: 'Deliver / get', sort: 'message_stats.deliver_get_details.rate', numeric: true, render: q => f.rate(rateOf(q, 'message_stats.deliver_get_details') ?? 0) },
  { label: 'Ack', sort: 'message_stats.ack_details.rate', numeric: true, render: q => f.rate(rateOf(q, 'message_stats.ack_details') ?? 0) },
  { label: 'Consumers', sort: 'consumers', numeric: true, render: q => f.count(q.consumers) },
  { label: 'Memory', sort: 'memory', numeric: true, render: q => f.bytes(q.memory) },
];

export function queuesView(main, _, context) {
  const list = listTable({ title: 'Queues', path: () => listPath('queues'), columns: queueColumns });
  main.append(h('h1', {}, 'Queues'), list.element);
  return context.every(REFRESH_MS, list.poll);
}

const consumerColumns = [
  { label: 'Virtual host', sort: 'queue.vhost', render: c => c.queue.vhost },
  { label: 'Queue', sort: 'queue.name', render: c => link(f.queueHref(c.queue.vhost, c.queue.name), c.queue.name) },
  { label: 'Channel', sort: 'channel_details.name', render: c => link(f.connectionHref(c.channel_details.connection_name), c.channel_details.name) },
  { label: 'Consumer tag', sort: 'consumer_tag', render: c => c.consumer_tag },
  { label: 'Ack required', sort: 'ack_required', render: c => (c.ack_required ? 'yes' : 'no') },
  { label: 'Exclusive', sort: 'exclusive', render: c => (c.exclusive ? 'yes' : 'no') },
  { label: 'Prefetch', sort: 'prefetch_count', numeric: true, render: c => f.count(c.prefetch_count) },
  { label: 'Active', sort: 'activity_status', render: c => c.activity_status },
];

export function consumersView(main, _, context) {
  const list = listTable({ title: 'Consumers', path: () => listPath('consumers'), columns: consumerColumns, defaultSort: 'queue.name', filterLabel: null });
  main.append(h('h1', {}, 'Consumers'), list.element);
  return context.every(REFRESH_MS, list.poll);
}
