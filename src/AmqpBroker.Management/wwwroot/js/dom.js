// Builds DOM nodes from data. Text always goes in as text nodes, never as HTML, so names and message
// contents coming from the broker cannot inject markup.

export function h(tag, attributes, ...children) {
  const element = document.createElementNS(tag === 'svg' || attributes?.svg ? 'http://www.w3.org/2000/svg' : 'http://www.w3.org/1999/xhtml', tag);
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false || key === 'svg') continue;
    if (key.startsWith('on') && typeof value === 'function') element.addEventListener(key.slice(2), value);
    else if (key === 'class') element.setAttribute('class', value);
    else if (key === 'value' || key === 'checked' || key === 'selected') element[key] = value;
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

export function svg(tag, attributes, ...children) {
  return h(tag, { ...attributes, svg: true }, ...children);
}

export function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export function replace(element, ...children) {
  element.replaceChildren();
  return append(element, children);
}

let nextId = 0;
export function uniqueId(prefix) {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/** A labelled form field: the label's for matches the control's id. */
export function field(label, control, hint) {
  control.id ||= uniqueId('f');
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hint ? h('small', {}, hint) : null);
}

export function select(name, options, selected) {
  return h('select', { name }, options.map(option => {
    const [value, text] = Array.isArray(option) ? option : [option, option];
    return h('option', { value, selected: value === selected }, text);
  }));
}

export function button(text, onclick, attributes = {}) {
  return h('button', { type: 'button', onclick, ...attributes }, text);
}

/** A key/value definition list; values may be nodes. */
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(p => p).map(([key, value]) => [h('dt', {}, key), h('dd', {}, value ?? '')]));
}

export function table(caption, headers, rows, attributes = {}) {
  return h('table', attributes,
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, headers.map(text => h('th', { scope: 'col' }, text)))),
    h('tbody', {}, rows.length ? rows.map(cells => h('tr', {}, cells.map(cell => h('td', {}, cell))))
      : h('tr', {}, h('td', { colspan: headers.length, class: 'empty' }, 'None'))));
}

export function section(title, ...children) {
  const id = uniqueId('s');
  return h('section', { class: 'panel', 'aria-labelledby': id }, h('h2', { id }, title), children);
}

/** Announces a message to screen readers and shows it briefly. */
export function announce(message, kind = 'ok') {
  const status = document.getElementById('status');
  replace(status, h('p', { class: kind }, message));
}
