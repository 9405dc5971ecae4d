// The overview: alarms in red, live charts of queued messages and message rates, object totals, the
// node's resources (for monitoring users and administrators, as in RabbitMQ) and the listeners.

import { get } from '../api.js';
import { lineChart } from '../chart.js';
import { facts, h, replace, section, table } from '../dom.js';
import * as f from '../format.js';
import { isMonitoring } from '../session.js';
import { REFRESH_MS } from './lists.js';

const RATES = [
  { key: 'publish', label: 'Publish' },
  { key: 'confirm', label: 'Publisher confirm' },
  { key: 'deliver_get', label: 'Deliver / get' },
  { key: 'redeliver', label: 'Redelivered' },
  { key: 'ack', label: 'Consumer ack' },
];

const LENGTHS = [
  { key: 'messages_ready', label: 'Ready' },
  { key: 'messages_unacknowledged', label: 'Unacked' },
  { key: 'messages', label: 'Total' },
];

// The broker keeps ten minutes of its totals; the charts show them from the first load on.
const HISTORY = 'lengths_age=600&lengths_incr=5&msg_rates_age=600&msg_rates_incr=5';

/** Chart samples from RabbitMQ's *_details.samples (newest first), oldest first. */
function lengthHistory(totals, series) {
  const columns = series.map(({ key }) => totals[`${key}_details`]?.samples ?? []);
  return columns[0].map((first, i) => ({
    at: first.timestamp,
    values: Object.fromEntries(series.map(({ key }, s) => [key, columns[s][i]?.sample ?? 0])),
  })).reverse();
}

/** Rates between neighbouring samples of running totals, oldest first. */
function rateHistory(stats, series) {
  const columns = series.map(({ key }) => stats[`${key}_details`]?.samples ?? []);
  const points = [];
  for (let i = 0; i + 1 < columns[0].length; i++) {
    const seconds = (columns[0][i].timestamp - columns[0][i + 1].timestamp) / 1000;
    points.push({
      at: columns[0][i].timestamp,
      values: Object.fromEntries(series.map(({ key }, s) => [key, seconds > 0 ? ((columns[s][i]?.sample ?? 0) - (columns[s][i + 1]?.sample ?? 0)) / seconds : 0])),
    });
  }
  return points.reverse();
}

export async function overviewView(main, _, context) {
  const alarms = h('div', { class: 'alarms', 'aria-live': 'assertive' });
  const queued = lineChart({ title: 'Queued messages', format: f.count, series: LENGTHS });
  const rates = lineChart({ title: 'Message rates', format: f.rate, series: RATES });
  const totals = h('div');
  const node = h('div');
  const listeners = h('div');
  main.append(h('h1', {}, 'Overview'), alarms,
    section('Totals', totals),
    h('div', { class: 'charts' }, queued.element, rates.element),
    section('Node', node),
    section('Listeners', listeners));

  return context.every(REFRESH_MS, async () => {
    const overview = await get(`/overview?${HISTORY}`);
    queued.reset(lengthHistory(overview.queue_totals ?? {}, LENGTHS));
    rates.reset(rateHistory(overview.message_stats ?? {}, RATES));
    renderTotals(totals, overview);
    renderListeners(listeners, overview);
    await renderAlarms(alarms);
    if (isMonitoring()) renderNode(node, (await get('/nodes'))[0]);
    else replace(node, h('p', {}, 'Node details are shown to monitoring users and administrators.'));
  });
}

function renderTotals(target, overview) {
  const objects = overview.object_totals ?? {};
  const queueTotals = overview.queue_totals ?? {};
  const cards = [
    ['Connections', objects.connections], ['Channels', objects.channels], ['Exchanges', objects.exchanges],
    ['Queues', objects.queues], ['Consumers', objects.consumers], ['Ready', queueTotals.messages_ready],
    ['Unacked', queueTotals.messages_unacknowledged], ['Total', queueTotals.messages],
  ];
  replace(target,
    h('dl', { class: 'numbers' }, cards.map(([label, value]) => h('div', {}, h('dt', {}, label), h('dd', {}, f.count(value))))),
    h('p', { class: 'subtitle' }, `${overview.product_name} ${overview.product_version}, RabbitMQ management API ${overview.management_version}`));
}

async function renderAlarms(target) {
  // A health check in alarm answers 503 with the alarms in its body.
  const check = await get('/health/checks/alarms').catch(e => ({ status: 'failed', reason: e.message, ...e.body }));
  if (check.status === 'ok') {
    replace(target);
    return;
  }
  const resources = (check.alarms ?? []).map(a => `${a.resource} alarm on ${a.node}`).join(', ');
  replace(target, h('p', { class: 'alarm', role: 'alert' }, `Alarm: ${check.reason}${resources ? ` (${resources})` : ''}. Publishers are blocked.`));
}

function usage(used, total, format) {
  if (used === undefined || used === null) return 'not measured';
  const meter = total ? h('meter', { min: 0, max: total, value: used, 'aria-hidden': 'true' }) : null;
  return [meter, ` ${format(used)}${total ? ` of ${format(total)}` : ''}`];
}

function renderNode(target, node) {
  if (!node) return;
  replace(target, facts([
    ['Name', node.name],
    ['Uptime', f.duration(node.uptime)],
    ['Memory', [usage(node.mem_used, node.mem_limit, f.bytes), node.mem_alarm ? h('strong', { class: 'alarm-text' }, ' memory alarm') : null]],
    ['File descriptors', usage(node.fd_used, node.fd_total, f.count)],
    ['Sockets', usage(node.sockets_used, node.sockets_total, f.count)],
    ['Disk free', [usage(node.disk_free, null, f.bytes), node.disk_free_alarm ? h('strong', { class: 'alarm-text' }, ' disk alarm') : null]],
    ['Processors', f.count(node.processors)],
  ]));
}

function renderListeners(target, overview) {
  const rows = [
    ...(overview.listeners ?? []).map(l => [l.protocol, l.ip_address, String(l.port)]),
    ...(overview.contexts ?? []).map(c => [`http (${c.description})`, c.ip ?? '', String(c.port)]),
  ];
  replace(target, table(null, ['Protocol', 'Bound to', 'Port'], rows));
}
