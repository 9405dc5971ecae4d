// Binding tables with a remove button per binding and a form to add one; used by the queue page
// (bindings to the queue) and the exchange page (bindings from and to the exchange).

import * as api from '../api.js';
import { h, replace, section, field, select, table } from '../dom.js';
import { actionForm, confirmButton, keyValueEditor } from '../forms.js';
import * as f from '../format.js';

function endpoint(b) {
  return b.destination_type === 'queue' ? 'q' : 'e';
}

function bindingPath(b) {
  return `/bindings/${f.enc(b.vhost)}/e/${f.exchangePath(b.source)}/${endpoint(b)}/${b.destination_type === 'queue' ? f.enc(b.destination) : f.exchangePath(b.destination)}/${f.enc(b.properties_key)}`;
}

function objectLink(vhost, name, type) {
  return type === 'queue' ? h('a', { href: f.queueHref(vhost, name) }, name) : h('a', { href: f.exchangeHref(vhost, name) }, f.exchangeLabel(name));
}

/** A table of bindings; side says which end to show ("source" or "destination"). */
export function bindingTable(caption, bindings, side, onChange) {
  return table(caption, [side === 'source' ? 'From' : 'To', 'Routing key', 'Arguments', ''], bindings.map(b => [
    side === 'source' ? objectLink(b.vhost, b.source, 'exchange') : objectLink(b.vhost, b.destination, b.destination_type),
    b.routing_key,
    Object.keys(b.arguments ?? {}).length ? JSON.stringify(b.arguments) : '',
    b.source === '' ? h('small', {}, 'default binding') : confirmButton('Unbind', 'Remove this binding?', async () => {
      await api.del(bindingPath(b));
      onChange('Binding removed');
    }),
  ]));
}

/** The queue page's section: bindings to the queue and a form binding it to an exchange. */
export function queueBindings(vhost, queue, onChange) {
  const holder = h('div');
  const args = keyValueEditor('Arguments');
  const form = actionForm('Add binding to this queue', [
    field('From exchange', h('input', { name: 'source', required: true })),
    field('Routing key', h('input', { name: 'routing_key' })),
    args.element,
  ], 'Bind', async data => {
    await api.post(`/bindings/${f.enc(vhost)}/e/${f.exchangePath(data.source)}/q/${f.enc(queue)}`, { routing_key: data.routing_key, arguments: args.value() });
    onChange('Binding added');
    return 'Binding added';
  });
  async function refresh() {
    const bindings = await api.get(`/queues/${f.enc(vhost)}/${f.enc(queue)}/bindings`);
    replace(holder, bindingTable('Bindings to this queue', bindings, 'source', onChange));
  }
  return { element: section('Bindings', holder, form), refresh };
}

/** The exchange page's section: bindings from and to the exchange, and a form binding it to a queue or exchange. */
export function exchangeBindings(vhost, exchange, onChange) {
  const from = h('div');
  const to = h('div');
  const args = keyValueEditor('Arguments');
  const form = exchange === '' ? h('p', {}, 'The default exchange binds every queue by its name; no other binding can be added.') : actionForm('Add binding from this exchange', [
    field('Destination type', select('kind', [['q', 'Queue'], ['e', 'Exchange']], 'q')),
    field('Destination', h('input', { name: 'destination', required: true })),
    field('Routing key', h('input', { name: 'routing_key' })),
    args.element,
  ], 'Bind', async data => {
    const destination = data.kind === 'q' ? f.enc(data.destination) : f.exchangePath(data.destination);
    await api.post(`/bindings/${f.enc(vhost)}/e/${f.exchangePath(exchange)}/${data.kind}/${destination}`, { routing_key: data.routing_key, arguments: args.value() });
    onChange('Binding added');
    return 'Binding added';
  });
  async function refresh() {
    const base = `/exchanges/${f.enc(vhost)}/${f.exchangePath(exchange)}/bindings`;
    const [source, destination] = await Promise.all([api.get(`${base}/source`), api.get(`${base}/destination`)]);
    replace(from, bindingTable('Bindings from this exchange', source, 'destination', onChange));
    replace(to, bindingTable('Bindings to this exchange', destination, 'source', onChange));
  }
  return { element: section('Bindings', from, to, form), refresh };
}
