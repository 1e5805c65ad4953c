// The live progress panel: status line, ticking elapsed time, progress bar,
// a placeholder shaped like the coming picture, and the Cancel button.

import { svg } from './dom.js';
import { stopwatch } from './format.js';

/** The one-line status shown for an unfinished generation. */
export function statusLine(generation) {
  if (generation.status === 'queued') {
    const position = Number(generation.queue_position) || 0;
    return position > 0 ? `Queued — position ${position}` : 'Queued';
  }
  if (generation.status === 'running') {
    const p = generation.progress;
    return typeof p === 'number' ? `Generating — ${Math.round(p * 100)}%` : 'Generating…';
  }
  return 'Finishing…';
}

function placeholder(generation) {
  const width = Number(generation.width) || 512;
  const height = Number(generation.height) || 512;
  const count = Math.max(1, Math.min(4, Number(generation.n) || 1));
  // An empty SVG with a viewBox scales like an image of that size: no inline styles needed.
  return Array.from({ length: count }, () =>
    svg('svg', { class: 'skeleton', viewBox: `0 0 ${width} ${height}`, 'aria-hidden': 'true' }),
  );
}

/**
 * Wires the panel. Returns {start(generation, startedAt), update(generation), stop()}.
 * start() shows it for a generation (startedAt: ms epoch the clock counts from);
 * stop() stops the clock. onCancel() runs when Cancel is pressed.
 */
export function createProgressView({ status, elapsed, bar, preview, cancel }, onCancel) {
  let ticker = 0;
  let startedAt = 0;
  let shape = '';

  const tick = () => {
    elapsed.textContent = stopwatch((Date.now() - startedAt) / 1000);
  };

  function update(generation) {
    status.textContent = statusLine(generation);
    const p = generation.progress;
    if (typeof p === 'number') bar.value = Math.min(1, Math.max(0, p));
    else bar.removeAttribute('value'); // indeterminate
    bar.setAttribute('aria-valuetext', status.textContent);
    const nextShape = `${generation.width}x${generation.height}x${generation.n}`;
    if (nextShape !== shape) {
      shape = nextShape;
      preview.replaceChildren(...placeholder(generation));
      preview.classList.toggle('multi', (Number(generation.n) || 1) > 1);
    }
  }

  function start(generation, from = Date.now()) {
    stop();
    startedAt = Math.min(from, Date.now());
    shape = '';
    cancel.disabled = false;
    update(generation);
    tick();
    ticker = setInterval(tick, 1000);
  }

  function stop() {
    clearInterval(ticker);
    ticker = 0;
  }

  cancel.addEventListener('click', () => {
    cancel.disabled = true;
    status.textContent = 'Canceling…';
    onCancel();
  });

  return { start, update, stop };
}
