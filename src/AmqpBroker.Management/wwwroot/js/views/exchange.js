// One exchange: its definition, bindings both ways, a publish form and the routing test, which shows
// the queues a routing key and headers would reach without publishing anything.

import * as api from '../api.js';
import { announce, facts, field, h, replace, section } from '../dom.js';
import { actionForm, deleteButton, keyValueEditor } from '../forms.js';
import * as f from '../format.js';
import { navigate } from '../router.js';
import { exchangeBindings } from './bindings.js';
import { headerTable, publishForm } from './messages.js';

export async function exchangeView(main, { vhost, name }) {
  const exchange = name === 'amq.default' ? '' : name;
  const path = `/exchanges/${f.enc(vhost)}/${f.exchangePath(exchange)}`;
  const details = await api.get(path);
  const bindings = exchangeBindings(vhost, exchange, message => {
    announce(message);
    return bindings.refresh();
  });

  main.append(
    h('h1', {}, 'Exchange ', h('span', { class: 'object-name' }, f.exchangeLabel(exchange))),
    h('p', { class: 'subtitle' }, `in virtual host ${vhost}`),
    section('Details', facts([
      ['Type', details.type],
      ['Features', [details.durable ? 'durable' : 'transient', details.auto_delete ? 'auto-delete' : null, details.internal ? 'internal' : null].filter(x => x).join(', ')],
      ['Arguments', Object.keys(details.arguments ?? {}).length ? headerTable(details.arguments, null) : 'none'],
      ['Policy', details.policy ?? 'none'],
    ])),
    bindings.element,
    h('div', { class: 'columns' },
      section('Publish message', publishForm(null, { vhost, exchange })),
      section('Test routing', routingTest(vhost, exchange))),
    exchange === '' || exchange.startsWith('amq.') ? null : section('Delete',
      deleteButton('Delete exchange', `Delete exchange ${exchange}?`,
        path, `Exchange ${exchange} deleted.`, () => navigate('#/exchanges'))));
  // Bindings are shown as loaded and after each change made here; a reload shows others' changes.
  await bindings.refresh();
}

function routingTest(vhost, exchange) {
  const headers = keyValueEditor('Headers');
  const result = h('div', { class: 'routing-result', 'aria-live': 'polite' });
  const form = actionForm(null, [
    h('p', {}, 'Shows which queues a message would reach from this exchange, following exchange-to-exchange bindings and alternate exchanges. Nothing is published.'),
    field('Routing key', h('input', { name: 'routing_key' })),
    headers.element,
  ], 'Test routing', async data => {
    const answer = await api.post(`/exchanges/${f.enc(vhost)}/${f.exchangePath(exchange)}/routing-test`, {
      routing_key: data.routing_key, properties: { headers: headers.value() },
    });
    replace(result, answer.queues.length
      ? h('ul', { class: 'routed' }, answer.queues.map(q => h('li', {}, h('a', { href: f.queueHref(q.vhost, q.name) }, q.name))))
      : h('p', {}, 'No queue: the message would be unroutable.'));
    return answer.queues.length ? `Routed to ${answer.queues.length} queue${answer.queues.length === 1 ? '' : 's'}.` : 'Not routed.';
  });
  return [form, result];
}
