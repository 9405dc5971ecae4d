// Every page of the UI and the view that renders it.

import { route } from '../router.js';
import { isAdministrator } from '../session.js';
import { usersView, userView, vhostsView } from './admin.js';
import { connectionView } from './connection.js';
import { definitionsView } from './definitions.js';
import { exchangeView } from './exchange.js';
import { channelsView, connectionsView, consumersView, exchangesView, queuesView } from './lists.js';
import { overviewView } from './overview.js';
import { policiesView } from './policies.js';
import { queueView } from './queue.js';
import { shovelsView } from './shovels.js';

route('/', overviewView);
route('/connections', connectionsView);
route('/connections/:name', connectionView);
route('/channels', channelsView);
route('/exchanges', exchangesView);
route('/exchanges/:vhost/:name', exchangeView);
route('/queues', queuesView);
route('/queues/:vhost/:name', queueView);
route('/consumers', consumersView);
// Administrators start at the users; policymakers and others at the policies they may see.
route('/admin', (...args) => (isAdministrator() ? usersView : policiesView)(...args));
route('/users', usersView);
route('/users/:name', userView);
route('/vhosts', vhostsView);
route('/policies', policiesView);
route('/shovels', shovelsView);
route('/definitions', definitionsView);
