// One connection: its details, its channels, and closing it with a reason the client is told.

import * as api from '../api.js';
import { announce, facts, field, h, replace, section, table } from '../dom.js';
import { actionForm } from '../forms.js';
import * as f from '../format.js';
import { navigate } from '../router.js';
import { REFRESH_MS } from './lists.js';

export async function connectionView(main, { name }, context) {
  const path = `/connections/${f.enc(name)}`;
  const details = h('div');
  const channels = h('div');
  main.append(
    h('h1', {}, 'Connection ', h('span', { class: 'object-name' }, name)),
    section('Details', details),
    section('Channels', channels),
    section('Close this connection', actionForm(null, [
      field('Reason', h('input', { name: 'reason', value: 'Closed via management plugin' })),
    ], 'Force close', async data => {
      await api.del(path, { 'X-Reason': data.reason });
      announce(`Connection ${name} closed.`);
      navigate('#/connections');
    })));
  return context.every(REFRESH_MS, async () => {
    const c = await api.get(path);
    const client = c.client_properties ?? {};
    replace(details, facts([
      ['User', c.user], ['Virtual host', c.vhost], ['State', c.state], ['Protocol', c.protocol],
      ['Client', [client.product, client.version, client.platform].filter(x => x).join(' ')],
      ['Client-provided name', c.user_provided_name ?? ''],
      ['Peer', `${c.peer_host}:${c.peer_port}`], ['Authentication', c.auth_mechanism],
      ['Heartbeat', `${c.timeout}s`], ['Frame max', f.count(c.frame_max)], ['Channel max', f.count(c.channel_max)],
      ['Connected at', f.time(c.connected_at)],
    ]));
    const list = await api.get(`${path}/channels`);
    replace(channels, table(null, ['Channel', 'Mode', 'Prefetch', 'Unacked', 'Consumers'], list.map(ch => [
      ch.name, [ch.confirm ? 'confirm' : null, ch.transactional ? 'transactional' : null].filter(x => x).join(', '),
      f.count(ch.prefetch_count), f.count(ch.messages_unacknowledged), f.count(ch.consumer_count)])));
  });
}
