// A list of broker objects paged, sorted and filtered by the server, with RabbitMQ's list parameters
// (page, page_size, name, use_regex, sort, sort_reverse): only one page ever crosses the wire, so a list of
// 10,000 queues costs what a list of 100 does.

import { get } from './api.js';
import { button, h, replace, uniqueId } from './dom.js';
import { count } from './format.js';

const PAGE_SIZES = [20, 50, 100, 500];

/**
 * columns: [{ label, sort (the field path to sort by), render(row) -> node or text, numeric }]
 * path(): the API list path, e.g. "/queues" or "/queues/%2F".
 */
export function listTable({ title, path, columns, defaultSort = 'name', pageSize = 50, filterLabel = 'Filter by name' }) {
  const state = { page: 1, pageSize, name: '', regex: false, sort: defaultSort, reverse: false };
  const tableId = uniqueId('list');
  const summary = h('p', { class: 'list-summary', 'aria-live': 'polite' });
  const body = h('tbody');
  const headerRow = h('tr');
  const pager = h('div', { class: 'pager' });
  const error = h('p', { class: 'error', role: 'alert' });

  let debounce = null;
  const filter = h('input', {
    type: 'search', id: uniqueId('filter'), placeholder: 'name or regular expression',
    oninput: () => {
      clearTimeout(debounce);
      debounce = setTimeout(() => { state.name = filter.value; state.page = 1; refresh(); }, 250);
    },
  });
  const regex = h('input', { type: 'checkbox', id: uniqueId('regex'), onchange: () => { state.regex = regex.checked; state.page = 1; refresh(); } });
  const size = h('select', { id: uniqueId('size'), onchange: () => { state.pageSize = Number(size.value); state.page = 1; refresh(); } },
    PAGE_SIZES.map(n => h('option', { value: n, selected: n === pageSize }, n)));

  // Objects without a name (consumers) cannot be filtered by one.
  const controls = h('div', { class: 'list-controls' },
    filterLabel ? [h('label', { for: filter.id }, filterLabel), filter,
      h('span', { class: 'check' }, regex, h('label', { for: regex.id }, 'Regex'))] : null,
    h('label', { for: size.id }, 'Per page'), size);

  function renderHeaders() {
    replace(headerRow, columns.map(column => {
      if (!column.sort) return h('th', { scope: 'col', class: column.numeric ? 'num' : null }, column.label);
      const active = state.sort === column.sort;
      const ariaSort = active ? (state.reverse ? 'descending' : 'ascending') : 'none';
      return h('th', { scope: 'col', 'aria-sort': ariaSort, class: column.numeric ? 'num' : null },
        button([column.label, active ? (state.reverse ? ' ▼' : ' ▲') : ''], () => {
          state.reverse = active ? !state.reverse : false;
          state.sort = column.sort;
          refresh();
        }, { class: 'sort' }));
    }));
  }

  function renderPager(answer) {
    const pages = Math.max(answer.page_count, 1);
    replace(pager,
      button('Previous page', () => { state.page -= 1; refresh(); }, { disabled: state.page <= 1 }),
      h('span', {}, `Page ${answer.page} of ${pages}`),
      button('Next page', () => { state.page += 1; refresh(); }, { disabled: state.page >= pages }));
    const filtered = answer.filtered_count === answer.total_count ? '' : `, ${count(answer.filtered_count)} matching`;
    summary.textContent = `${count(answer.total_count)} in all${filtered}`;
  }

  async function refresh() {
    const query = new URLSearchParams({
      page: state.page, page_size: state.pageSize, name: state.name, use_regex: state.regex,
      sort: state.sort, sort_reverse: state.reverse,
    });
    renderHeaders();
    let answer;
    try {
      answer = await get(`${path()}?${query}`);
    } catch (e) {
      // A page past the end after objects went away: go back to the last one.
      if (e.error === 'page_out_of_range' && state.page > 1) {
        state.page = 1;
        return refresh();
      }
      error.textContent = e.message;
      throw e;
    }
    error.textContent = '';
    replace(body, answer.items.length
      ? answer.items.map(row => h('tr', {}, columns.map(column =>
        h('td', { class: column.numeric ? 'num' : null }, column.render(row)))))
      : h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, 'None')));
    renderPager(answer);
    return answer;
  }

  /** The periodic refresh: skipped while the operator is answering a "really delete?" in the table. */
  function poll() {
    return body.querySelector('.confirm [role="group"]') ? undefined : refresh();
  }

  const element = h('section', { class: 'panel list', 'aria-labelledby': `${tableId}-title` },
    h('h2', { id: `${tableId}-title` }, title),
    controls, error,
    h('table', { id: tableId }, h('thead', {}, headerRow), body),
    h('div', { class: 'list-footer' }, summary, pager));
  return { element, refresh, poll };
}
