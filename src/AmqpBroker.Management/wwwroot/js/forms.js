// Form building blocks: a form that runs an API call and reports the outcome, a typed key/value editor
// (headers, arguments, policy definitions) and buttons that ask before they do something destructive.

import * as api from './api.js';
import { announce, button, h, replace, uniqueId } from './dom.js';

/**
 * A form whose submit runs action(form data as an object); success is announced with the text action
 * returns, a failure is shown next to the button (role=alert) and the form stays as typed.
 */
export function actionForm(title, controls, submitText, action, attributes = {}) {
  const output = h('p', { class: 'form-result', role: 'alert' });
  const submit = h('button', { type: 'submit' }, submitText);
  const id = uniqueId('form');
  const element = h('form', {
    ...attributes, 'aria-labelledby': title ? id : null,
    onsubmit: async event => {
      event.preventDefault();
      submit.disabled = true;
      output.className = 'form-result';
      output.textContent = '';
      try {
        const message = await action(Object.fromEntries(new FormData(element)), element);
        if (message) {
          output.className = 'form-result ok';
          output.textContent = message;
          announce(message);
        }
      } catch (e) {
        output.className = 'form-result error';
        output.textContent = e.message;
      } finally {
        submit.disabled = false;
      }
    },
  }, title ? h('h3', { id }, title) : null, controls, h('div', { class: 'actions' }, submit), output);
  return element;
}

const TYPES = [['string', 'String'], ['number', 'Number'], ['boolean', 'Boolean'], ['list', 'List (JSON)']];

/**
 * Rows of key, value and type. keys: optional suggestions (a datalist); typeFor(key): the type a known
 * key takes. value() returns the object the
 * API expects, converting each value to its type; a value that does not fit its type throws.
 */
export function keyValueEditor(label, { keys = [], initial = {}, typeFor = () => null } = {}) {
  const listId = keys.length ? uniqueId('keys') : null;
  const rows = h('div', { class: 'kv-rows' });
  const legendId = uniqueId('kv');

  function addRow(key = '', value = '', type = 'string') {
    const keyInput = h('input', { class: 'kv-key', value: key, list: listId, 'aria-label': `${label} key` });
    const valueInput = h('input', { class: 'kv-value', value, 'aria-label': `${label} value` });
    const typeSelect = h('select', { class: 'kv-type', 'aria-label': `${label} type` },
      TYPES.map(([v, text]) => h('option', { value: v, selected: v === type }, text)));
    // A known key (a policy setting) picks its value type as it is typed.
    keyInput.addEventListener('input', () => { typeSelect.value = typeFor(keyInput.value.trim()) ?? typeSelect.value; });
    const row = h('div', { class: 'kv-row' }, keyInput, valueInput, typeSelect,
      button('Remove', () => { row.remove(); }, { class: 'small', 'aria-label': `Remove this ${label} row` }));
    rows.append(row);
    return keyInput;
  }

  for (const [key, value] of Object.entries(initial)) {
    addRow(key, typeof value === 'string' ? value : JSON.stringify(value), typeOf(value));
  }
  addRow();

  const element = h('fieldset', { class: 'kv', 'aria-labelledby': legendId },
    h('legend', { id: legendId }, label),
    listId ? h('datalist', { id: listId }, keys.map(k => h('option', { value: k }))) : null,
    rows,
    button(`Add ${label.toLowerCase()} row`, () => addRow().focus(), { class: 'small' }));

  function value() {
    const result = {};
    for (const row of rows.children) {
      const key = row.querySelector('.kv-key').value.trim();
      if (!key) continue;
      result[key] = convert(key, row.querySelector('.kv-value').value, row.querySelector('.kv-type').value);
    }
    return result;
  }

  return { element, value, addRow };
}

function typeOf(value) {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'object' && value !== null) return 'list';
  return 'string';
}

function convert(key, text, type) {
  switch (type) {
    case 'number': {
      const number = Number(text);
      if (text.trim() === '' || !Number.isFinite(number)) throw new Error(`${key}: "${text}" is not a number`);
      return number;
    }
    case 'boolean':
      if (!/^(true|false)$/i.test(text.trim())) throw new Error(`${key}: "${text}" is not true or false`);
      return text.trim().toLowerCase() === 'true';
    case 'list':
      try {
        return JSON.parse(text);
      } catch {
        throw new Error(`${key}: "${text}" is not JSON`);
      }
    default:
      return text;
  }
}

/** A button that first asks "question" with Yes/No buttons in place, then runs action. */
export function confirmButton(text, question, action, attributes = {}) {
  const holder = h('span', { class: 'confirm' });
  const start = button(text, () => {
    const yes = button(`Yes, ${text.toLowerCase()}`, async () => {
      yes.disabled = true;
      try {
        await action();
      } catch (e) {
        replace(holder, start, h('span', { class: 'error', role: 'alert' }, ` ${e.message}`));
        return;
      }
      replace(holder, start);
    }, { class: 'danger' });
    replace(holder, h('span', { role: 'group', 'aria-label': question }, `${question} `, yes, ' ',
      button('No', () => { replace(holder, start); start.focus(); })));
    yes.focus();
  }, { ...attributes, class: `danger ${attributes.class ?? ''}` });
  holder.append(start);
  return holder;
}

/**
 * A confirmButton whose action sends DELETE to path, announces done, then runs then (a refresh or a
 * navigation); a failure shows next to the button and nothing is announced.
 */
export function deleteButton(text, question, path, done, then) {
  return confirmButton(text, question, async () => {
    await api.del(path);
    announce(done);
    await then();
  });
}
