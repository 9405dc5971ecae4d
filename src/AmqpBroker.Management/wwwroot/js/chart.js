// A small SVG line chart of sampled values over the last minutes (at most ten; the axis spans what has
// been sampled, at least a minute), with a legend that states the latest values in text, so the chart's
// content is readable without seeing it.

import { h, replace, svg, uniqueId } from './dom.js';

const WIDTH = 640;
const HEIGHT = 180;
const LEFT = 60;
const BOTTOM = 22;
const TOP = 8;
const WINDOW_MS = 10 * 60 * 1000;
const MIN_SPAN_MS = 60 * 1000;

/** series: [{ key, label }]; format(value) renders a value for the axis and legend. */
export function lineChart({ title, series, format }) {
  const samples = [];
  const id = uniqueId('chart');
  const plot = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'chart', role: 'img', 'aria-labelledby': `${id}-title` });
  const legend = h('ul', { class: 'legend' });
  const element = h('figure', { class: 'chart-box' },
    h('figcaption', { id: `${id}-title` }, title), plot, legend);

  function add(values, at = Date.now()) {
    samples.push({ at, values });
    while (samples.length > 2 && samples[0].at < at - WINDOW_MS) samples.shift();
    draw();
  }

  /** Replaces the samples, e.g. with history the server kept: [{ at, values }], oldest first. */
  function reset(history) {
    samples.splice(0, samples.length, ...history);
    draw();
  }

  function draw() {
    const latest = samples[samples.length - 1]?.values ?? {};
    const max = niceMax(Math.max(0, ...samples.flatMap(s => series.map(({ key }) => s.values[key] ?? 0))));
    const now = samples[samples.length - 1]?.at ?? Date.now();
    const span = Math.min(WINDOW_MS, Math.max(MIN_SPAN_MS, now - (samples[0]?.at ?? now)));
    const x = at => LEFT + ((at - (now - span)) / span) * (WIDTH - LEFT - 4);
    const y = v => TOP + (1 - v / max) * (HEIGHT - TOP - BOTTOM);
    replace(plot,
      [0, 0.5, 1].map(f => [
        svg('line', { x1: LEFT, x2: WIDTH - 4, y1: y(max * f), y2: y(max * f), class: 'grid' }),
        svg('text', { x: LEFT - 6, y: y(max * f) + 4, class: 'axis', 'text-anchor': 'end' }, format(max * f)),
      ]),
      svg('text', { x: LEFT, y: HEIGHT - 4, class: 'axis' }, span >= 120000 ? `${Math.round(span / 60000)} min ago` : `${Math.round(span / 1000)} s ago`),
      svg('text', { x: WIDTH - 4, y: HEIGHT - 4, class: 'axis', 'text-anchor': 'end' }, 'now'),
      series.map(({ key }, i) => samples.length < 2 ? null : svg('polyline', {
        class: `line s${i}`,
        points: samples.map(s => `${x(s.at).toFixed(1)},${y(s.values[key] ?? 0).toFixed(1)}`).join(' '),
      })));
    replace(legend, series.map(({ key, label }, i) => h('li', {},
      h('span', { class: `swatch s${i}`, 'aria-hidden': 'true' }), `${label}: `, h('strong', {}, format(latest[key] ?? 0)))));
    plot.setAttribute('aria-label', `${title}: ${series.map(({ key, label }) => `${label} ${format(latest[key] ?? 0)}`).join(', ')}`);
  }

  draw();
  return { element, add, reset };
}

/** A round upper bound for the axis: 1, 2 or 5 times a power of ten. */
function niceMax(value) {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map(f => f * power).find(candidate => candidate >= value);
}
