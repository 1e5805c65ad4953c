// "Recent generations": ids of this browser's generations in localStorage
// (newest first, at most 30), each shown from GET /api/generations/{id};
// ids that answer 404 (expired) are dropped.

import { getGeneration } from './api.js';
import { el } from './dom.js';
import { STATUS_TEXT, isFinished, relativeTime } from './format.js';

const KEY = 'aigen.recent.v1';
const MAX = 30;

function loadIds() {
  try {
    const ids = JSON.parse(localStorage.getItem(KEY) || '[]');
    return Array.isArray(ids) ? ids.filter((id) => typeof id === 'string').slice(0, MAX) : [];
  } catch {
    return [];
  }
}

function saveIds(ids) {
  try {
    if (ids.length) localStorage.setItem(KEY, JSON.stringify(ids.slice(0, MAX)));
    else localStorage.removeItem(KEY);
  } catch {
    // Private mode or a full quota: history just does not persist.
  }
}

function thumbnail(generation) {
  const image = generation.images && generation.images[0];
  if (!image) return el('span', { class: `thumb placeholder status-${generation.status}`, 'aria-hidden': 'true' });
  const scale = 256 / Math.max(image.width || 256, image.height || 256, 1);
  return el(
    'span',
    { class: 'thumb' },
    el('img', {
      src: image.thumb_url || image.url,
      alt: '',
      loading: 'lazy',
      width: Math.round((image.width || 256) * scale),
      height: Math.round((image.height || 256) * scale),
    }),
  );
}

function entry(id, generation, onSelect, loadFailed) {
  if (!generation) {
    return el('li', { class: 'recent-item unavailable' },
      el('span', { class: 'thumb placeholder', 'aria-hidden': 'true' }),
      el('span', { class: 'recent-text' },
        el('span', { class: 'recent-prompt', text: loadFailed ? 'Could not load' : 'Loading…' }),
        el('span', { class: 'recent-meta', text: id.slice(0, 8) })));
  }
  const when = generation.created_at ? ` · ${relativeTime(generation.created_at)}` : '';
  return el(
    'li',
    {},
    el(
      'button',
      { type: 'button', class: 'recent-item', 'data-id': id, onclick: () => onSelect(generation) },
      thumbnail(generation),
      el(
        'span',
        { class: 'recent-text' },
        el('span', { class: 'recent-prompt', text: generation.prompt }),
        el(
          'span',
          { class: `recent-meta status-${generation.status}` },
          generation.is_demo ? el('span', { class: 'tag', text: 'Demo' }) : null,
          `${STATUS_TEXT[generation.status] || generation.status}${when}`,
        ),
      ),
    ),
  );
}

/**
 * Wires the list. Returns {add(generation), update(generation), refresh()}:
 * add() records a new generation; update() shows a newer state of one;
 * refresh() re-fetches every unfinished or unknown entry and re-renders.
 */
export function createHistory({ list, empty, clear }, onSelect) {
  const known = new Map(); // id -> latest generation seen
  const failed = new Set(); // ids whose last fetch failed (not 404)

  function render() {
    const ids = loadIds();
    list.replaceChildren(...ids.map((id) => entry(id, known.get(id), onSelect, failed.has(id))));
    empty.hidden = ids.length > 0;
    clear.hidden = ids.length === 0;
  }

  async function fetchOne(id) {
    try {
      known.set(id, await getGeneration(id));
      failed.delete(id);
      return true;
    } catch (error) {
      if (error.status === 404) return false;
      failed.add(id);
      return true;
    }
  }

  async function refresh() {
    const ids = loadIds().filter((id) => !known.has(id) || !isFinished(known.get(id).status));
    const alive = await Promise.all(ids.map(fetchOne));
    const expired = new Set(ids.filter((_, i) => !alive[i]));
    if (expired.size) {
      expired.forEach((id) => known.delete(id));
      saveIds(loadIds().filter((id) => !expired.has(id)));
    }
    render();
  }

  function add(generation) {
    known.set(generation.id, generation);
    saveIds([generation.id, ...loadIds().filter((x) => x !== generation.id)]);
    render();
  }

  // Progress ticks change nothing the list shows: render on status changes only,
  // so a focused entry keeps its focus.
  function update(generation) {
    const previous = known.get(generation.id);
    known.set(generation.id, generation);
    if (previous && previous.status === generation.status) return;
    if (loadIds().includes(generation.id)) render();
  }

  clear.addEventListener('click', () => {
    saveIds([]);
    known.clear();
    render();
    empty.focus();
  });

  // Another tab added or cleared entries.
  window.addEventListener('storage', (event) => {
    if (event.key === KEY || event.key === null) refresh();
  });

  render();
  return { add, update, refresh };
}
