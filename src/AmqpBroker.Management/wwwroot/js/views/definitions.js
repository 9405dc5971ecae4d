// Definitions: export everything (or one vhost) as a file and import a file, in RabbitMQ's format.

import * as api from '../api.js';
import { field, h, section, select } from '../dom.js';
import { actionForm } from '../forms.js';
import * as f from '../format.js';
import { adminNav } from './admin.js';

export async function definitionsView(main) {
  await api.get('/users?page=1&page_size=1');
  const vhosts = (await api.get('/vhosts?columns=name')).map(v => v.name);
  const scope = [['', 'All virtual hosts'], ...vhosts.map(v => [v, v])];
  const pathFor = vhost => (vhost ? `/definitions/${f.enc(vhost)}` : '/definitions');
  main.append(h('h1', {}, 'Definitions'), adminNav(),
    section('Export definitions', actionForm(null, [
      field('Virtual host', select('vhost', scope, '')),
      field('File name', h('input', { name: 'file', value: `amqpbroker-definitions-${new Date().toISOString().slice(0, 10)}.json`, required: true })),
    ], 'Download definitions', async data => {
      const exported = await api.download(pathFor(data.vhost), data.file);
      return `Exported ${(exported.queues ?? []).length} queues, ${(exported.exchanges ?? []).length} exchanges, ${(exported.users ?? []).length} users.`;
    })),
    section('Import definitions', actionForm(null, [
      field('Definitions file (JSON)', h('input', { name: 'file', type: 'file', accept: '.json,application/json', required: true })),
      field('Into virtual host', select('vhost', scope, '')),
    ], 'Upload definitions', async (data, form) => {
      const body = new FormData();
      body.append('file', form.elements.file.files[0]);
      await api.upload(pathFor(data.vhost), body);
      window.dispatchEvent(new Event('vhosts-changed'));
      return 'Definitions imported.';
    })));
}
