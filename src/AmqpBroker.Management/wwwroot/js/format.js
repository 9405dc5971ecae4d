// Number, size, rate and time formatting, and the page's links to objects.

const integer = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

export function count(value) {
  return value === undefined || value === null ? '' : integer.format(value);
}

export function rate(value) {
  return value === undefined || value === null ? '' : `${decimal.format(value)}/s`;
}

export function bytes(value) {
  if (value === undefined || value === null) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let size = value;
  let unit = 0;
  while (Math.abs(size) >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return `${decimal.format(size)} ${units[unit]}`;
}

export function duration(milliseconds) {
  let seconds = Math.floor(milliseconds / 1000);
  const days = Math.floor(seconds / 86400);
  seconds -= days * 86400;
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return days > 0 ? `${days}d ${hours}h` : hours > 0 ? `${hours}h ${minutes}m` : `${minutes}m ${seconds % 60}s`;
}

export function time(milliseconds) {
  return milliseconds ? new Date(milliseconds).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : '';
}

export const enc = encodeURIComponent;

/** The default exchange is "" in JSON and amq.default in paths. */
export function exchangePath(name) {
  return name === '' ? 'amq.default' : enc(name);
}

export function queueHref(vhost, name) {
  return `#/queues/${enc(vhost)}/${enc(name)}`;
}

export function exchangeHref(vhost, name) {
  return `#/exchanges/${enc(vhost)}/${exchangePath(name)}`;
}

export function connectionHref(name) {
  return `#/connections/${enc(name)}`;
}

export function exchangeLabel(name) {
  return name === '' ? '(AMQP default)' : name;
}

/** A JSON value shown as text: strings as they are, everything else as JSON. */
export function value(v) {
  return typeof v === 'string' ? v : JSON.stringify(v);
}
