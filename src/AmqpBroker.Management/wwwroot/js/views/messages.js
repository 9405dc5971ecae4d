// Messages on the queue and exchange pages: publish one, get some (shown with their properties and
// headers, x-death expanded into one row per death), and move them to another queue.

import * as api from '../api.js';
import { facts, field, h, replace, section, select, table } from '../dom.js';
import { actionForm, keyValueEditor } from '../forms.js';
import * as f from '../format.js';

const PROPERTY_NAMES = ['content_type', 'content_encoding', 'priority', 'correlation_id', 'reply_to', 'expiration',
  'message_id', 'timestamp', 'type', 'user_id', 'app_id', 'cluster_id'];
const NUMERIC_PROPERTIES = new Set(['priority', 'timestamp']);

/** A publish form; target(data) gives the exchange path and routing key to use. */
export function publishForm(title, { vhost, exchange, routingKey }) {
  const headers = keyValueEditor('Headers');
  const properties = keyValueEditor('Properties', { keys: PROPERTY_NAMES });
  return actionForm(title, [
    routingKey === undefined ? field('Routing key', h('input', { name: 'routing_key' })) : null,
    field('Delivery mode', select('delivery_mode', [['1', '1 - non-persistent'], ['2', '2 - persistent']], '1')),
    headers.element,
    properties.element,
    field('Payload', h('textarea', { name: 'payload', rows: 4 })),
    field('Payload encoding', select('payload_encoding', [['string', 'String (UTF-8)'], ['base64', 'Base64']], 'string')),
  ], 'Publish message', async data => {
    const props = { delivery_mode: Number(data.delivery_mode), headers: headers.value() };
    for (const [key, value] of Object.entries(properties.value())) {
      props[key] = NUMERIC_PROPERTIES.has(key) ? Number(value) : value;
    }
    const answer = await api.post(`/exchanges/${f.enc(vhost)}/${f.exchangePath(exchange)}/publish`, {
      routing_key: routingKey ?? data.routing_key, properties: props, payload: data.payload, payload_encoding: data.payload_encoding,
    });
    return answer.routed ? 'Message published.' : 'Message published, but not routed to any queue.';
  });
}

/** The queue page's "Get messages" section. */
export function getMessagesSection(vhost, queue, onChange) {
  const results = h('div', { class: 'messages', 'aria-live': 'polite' });
  const form = actionForm(null, [
    field('Ack mode', select('ackmode', [
      ['ack_requeue_true', 'Nack message requeue true'], ['reject_requeue_true', 'Reject requeue true'],
      ['ack_requeue_false', 'Ack message requeue false'], ['reject_requeue_false', 'Reject requeue false']], 'ack_requeue_true')),
    field('Encoding', select('encoding', [['auto', 'Automatic string/base64'], ['base64', 'Base64']], 'auto')),
    field('Messages', h('input', { name: 'count', type: 'number', min: 1, value: '1', required: true })),
    field('Truncate payload at (bytes)', h('input', { name: 'truncate', type: 'number', min: 0, value: '50000' })),
  ], 'Get messages', async data => {
    const messages = await api.post(`/queues/${f.enc(vhost)}/${f.enc(queue)}/get`, {
      count: Number(data.count), ackmode: data.ackmode, encoding: data.encoding, truncate: data.truncate ? Number(data.truncate) : undefined,
    });
    replace(results, messages.length ? messages.map((m, i) => messageView(m, i + 1)) : h('p', {}, 'Queue is empty.'));
    onChange();
    return `${messages.length} message${messages.length === 1 ? '' : 's'} fetched.`;
  });
  return section('Get messages', form, results);
}

function messageView(message, position) {
  const { headers, ...properties } = message.properties ?? {};
  return h('article', { class: 'message', 'aria-label': `Message ${position}` },
    h('h3', {}, `Message ${position}`),
    facts([
      ['Exchange', f.exchangeLabel(message.exchange)],
      ['Routing key', message.routing_key],
      ['Redelivered', message.redelivered ? 'yes' : 'no'],
      ['Messages left in queue', f.count(message.message_count)],
      ['Payload', `${f.count(message.payload_bytes)} bytes, encoding: ${message.payload_encoding}`],
    ]),
    propertyTable(properties),
    headers ? headerTable(headers) : null,
    h('pre', { class: 'payload', tabindex: 0, 'aria-label': 'Payload' }, message.payload));
}

function propertyTable(properties) {
  const rows = Object.entries(properties).map(([key, value]) =>
    [key, key === 'timestamp' ? `${value} (${f.time(value * 1000)})` : key === 'delivery_mode' ? `${value} (${value === 2 ? 'persistent' : 'non-persistent'})` : f.value(value)]);
  return table('Properties', ['Property', 'Value'], rows, { class: 'properties' });
}

/** Headers as a table; x-death (a list of tables) becomes one row per death with its fields. */
export function headerTable(headers, caption = 'Headers') {
  const rows = Object.entries(headers).map(([key, value]) => [key, key === 'x-death' && Array.isArray(value) ? deathTable(value) : nested(value)]);
  return table(caption, ['Name', 'Value'], rows, { class: 'headers' });
}

function deathTable(deaths) {
  const columns = ['count', 'reason', 'queue', 'exchange', 'routing-keys', 'time', 'original-expiration'];
  return table('x-death', columns, deaths.map(d => columns.map(c =>
    c === 'time' && typeof d[c] === 'number' ? f.time(d[c] * 1000) : Array.isArray(d[c]) ? d[c].join(', ') : f.value(d[c] ?? ''))), { class: 'x-death' });
}

function nested(value) {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return table(null, ['Key', 'Value'], Object.entries(value).map(([k, v]) => [k, nested(v)]), { class: 'nested' });
  }
  return f.value(value);
}

/** The queue page's "Move messages" section (an AmqpBroker extension of the API). */
export function moveSection(vhost, queue, onChange) {
  return section('Move messages', h('p', {}, 'Moves ready messages, oldest first, to another queue of this virtual host. Properties and bodies are kept.'),
    actionForm(null, [
      field('Destination queue', h('input', { name: 'destination', required: true })),
      field('How many (empty for all)', h('input', { name: 'count', type: 'number', min: 1 })),
    ], 'Move messages', async data => {
      const answer = await api.post(`/queues/${f.enc(vhost)}/${f.enc(queue)}/move`, {
        destination: data.destination, count: data.count ? Number(data.count) : undefined,
      });
      onChange();
      return `${f.count(answer.moved)} message${answer.moved === 1 ? '' : 's'} moved to ${data.destination}.`;
    }));
}
