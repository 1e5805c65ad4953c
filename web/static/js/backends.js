// The backend, size and image-count selects, filled from GET /api/backends.

import { el } from './dom.js';
import { sizeLabel } from './format.js';

const PREFERRED_SIZE = '512x512';
const FALLBACK = {
  default: '',
  backends: [{ name: '', label: 'Server default', sizes: ['256x256', '512x512', '1024x1024'], max_n: 1 }],
};

function backendLabel(backend) {
  if (backend.label) return backend.label;
  if (backend.is_demo) return backend.name === 'demo' ? 'Demo (not AI)' : `${backend.name} (demo, not AI)`;
  return backend.model ? `${backend.name} · ${backend.model}` : backend.name;
}

function replaceOptions(select, options, wanted) {
  select.replaceChildren(...options.map(([value, text]) => el('option', { value, text })));
  const values = options.map(([value]) => value);
  select.value = wanted.find((value) => values.includes(value)) ?? values[0] ?? '';
  select.disabled = options.length === 0;
}

/**
 * Wires the selects. Returns {load(fetchBackends), selected()}: load fills them
 * (falling back to the server's defaults when the list cannot be fetched, then
 * rethrowing); selected() is the chosen backend's description.
 */
export function createBackendPicker({ backend, size, count, notice }) {
  let backends = [];

  const selected = () => backends.find((b) => b.name === backend.value) || backends[0] || null;

  function refreshDependents() {
    const chosen = selected();
    const sizes = chosen && Array.isArray(chosen.sizes) ? chosen.sizes : [];
    replaceOptions(size, sizes.map((s) => [s, sizeLabel(s)]), [size.value, PREFERRED_SIZE]);
    const max = Math.max(1, Math.min(10, Number(chosen && chosen.max_n) || 1));
    const counts = Array.from({ length: max }, (_, i) => [String(i + 1), String(i + 1)]);
    replaceOptions(count, counts, [count.value, '1']);
    count.disabled = max === 1;
    notice.hidden = !(chosen && chosen.is_demo);
  }

  function fill(data) {
    backends = Array.isArray(data.backends) ? data.backends : [];
    replaceOptions(
      backend,
      backends.map((b) => [b.name, backendLabel(b)]),
      [data.default],
    );
    refreshDependents();
  }

  backend.addEventListener('change', refreshDependents);

  async function load(fetchBackends) {
    try {
      fill(await fetchBackends());
    } catch (error) {
      fill(FALLBACK);
      throw error;
    }
  }

  return { load, selected };
}
