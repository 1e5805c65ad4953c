// Entry point: finds the page's elements, wires the modules together and owns
// the page's only mutable state (which generation is being followed).

import { cancelGeneration, createGeneration, getHealth, listBackends } from './api.js';
import { createBackendPicker } from './backends.js';
import { byId, el, showOnly } from './dom.js';
import { followGeneration } from './follow.js';
import { errorText, isFinished } from './format.js';
import { createComposer } from './generate.js';
import { createHistory } from './history.js';
import { createProgressView, statusLine } from './progress.js';
import { renderResult } from './result.js';

const stage = {
  section: document.querySelector('.stage'),
  empty: byId('stage-empty'),
  progress: byId('stage-progress'),
  result: byId('stage-result'),
  error: byId('stage-error'),
  live: byId('live'),
};
const fields = {
  form: byId('generate-form'),
  prompt: byId('prompt'),
  counter: byId('prompt-count'),
  negative: byId('negative-prompt'),
  seed: byId('seed'),
  size: byId('size'),
  backend: byId('backend'),
  count: byId('count'),
  button: byId('generate'),
  error: byId('form-error'),
};

let following = null; // {id, stop, lastStatus} while a generation is followed

const announce = (text) => { stage.live.textContent = text; };
const reduceMotion = window.matchMedia('(prefers-reduced-motion: reduce)');
const reveal = () => stage.section.scrollIntoView({ block: 'nearest', behavior: reduceMotion.matches ? 'auto' : 'smooth' });

function stopFollowing() {
  if (following) following.stop();
  following = null;
  progress.stop();
}

function showFinished(generation) {
  // Focus on Cancel would be lost when the panel hides: move it somewhere useful.
  const refocus = stage.progress.contains(document.activeElement);
  stopFollowing();
  recent.update(generation);
  stage.error.textContent = '';
  if (generation.status === 'succeeded') {
    renderResult(stage.result, generation, { onReuseSeed: reuse });
    showOnly(stage.result, stage.empty, stage.progress, stage.result);
    const count = (generation.images || []).length;
    announce(`Done: ${count} ${count === 1 ? 'image' : 'images'} ready.`);
  } else if (generation.status === 'failed') {
    showOnly(null, stage.empty, stage.progress, stage.result);
    const message = generation.error && generation.error.message ? generation.error.message : 'Unknown error.';
    stage.error.textContent = `Generation failed: ${message}`;
  } else {
    stage.result.replaceChildren(el('p', { class: 'note', text: 'Canceled — nothing was generated.' }));
    showOnly(stage.result, stage.empty, stage.progress, stage.result);
    announce('Generation canceled.');
  }
  if (refocus) ((!stage.result.hidden && stage.result.querySelector('a[download], button')) || fields.prompt).focus();
}

function onProgress(generation) {
  progress.update(generation);
  recent.update(generation);
  if (following && following.lastStatus !== generation.status) {
    following.lastStatus = generation.status;
    announce(statusLine(generation));
  }
}

function track(generation, startedAt) {
  stopFollowing();
  stage.error.textContent = '';
  showOnly(stage.progress, stage.empty, stage.progress, stage.result);
  progress.start(generation, startedAt);
  const { id } = generation;
  const follower = followGeneration(id, onProgress);
  following = { id, stop: follower.stop, lastStatus: null };
  onProgress(generation);
  follower.done.then(showFinished, (error) => {
    if (!following || following.id !== id) return;
    stopFollowing();
    showOnly(null, stage.empty, stage.progress, stage.result);
    stage.error.textContent = error.status === 404
      ? 'This generation is gone: it expired or the server was reset.'
      : `Lost track of the generation: ${errorText(error)}`;
  });
}

async function submit(body) {
  let created;
  try {
    created = await createGeneration(body);
  } catch (error) {
    composer.showError(errorText(error));
    return;
  }
  const [width, height] = fields.size.value.split('x').map(Number);
  const backend = picker.selected();
  const generation = {
    id: created.id,
    status: created.status || 'queued',
    queue_position: created.queue_position,
    prompt: body.prompt,
    width,
    height,
    n: body.n || 1,
    progress: null,
    images: [],
    is_demo: Boolean(backend && backend.is_demo),
  };
  recent.add(generation);
  track(generation, Date.now());
  reveal();
}

async function cancelCurrent() {
  if (!following) return;
  const { id } = following;
  try {
    const generation = await cancelGeneration(id);
    if (following && following.id === id) showFinished(generation);
  } catch (error) {
    // 409: it finished meanwhile, and the follower is about to say so.
    if (error.status !== 409 && following && following.id === id) {
      stage.error.textContent = `Could not cancel: ${errorText(error)}`;
      byId('cancel').disabled = false;
    }
  }
}

function open(generation) {
  if (isFinished(generation.status)) {
    showFinished(generation);
  } else {
    track(generation, (generation.created_at || 0) * 1000 || Date.now());
  }
  reveal();
}

function reuse(generation, seed) {
  composer.setPrompt(generation.prompt);
  fields.negative.value = generation.negative_prompt || '';
  fields.seed.value = String(seed);
  for (const [select, value] of [[fields.backend, generation.backend], [fields.size, generation.size]]) {
    if (value && [...select.options].some((o) => o.value === value)) {
      select.value = value;
      select.dispatchEvent(new Event('change'));
    }
  }
  fields.form.querySelector('details').open = true;
  composer.focusPrompt();
}

const composer = createComposer(fields, submit);
const picker = createBackendPicker({ ...fields, notice: byId('demo-notice') });
const progress = createProgressView({
  status: byId('progress-status'),
  elapsed: byId('progress-elapsed'),
  bar: byId('progress-bar'),
  preview: byId('progress-preview'),
  cancel: byId('cancel'),
}, cancelCurrent);
const recent = createHistory({ list: byId('recent-list'), empty: byId('recent-empty'), clear: byId('clear-history') }, open);

if (/Mac|iPhone|iPad/.test(navigator.platform || '')) {
  document.querySelectorAll('kbd').forEach((k) => { if (k.textContent === 'Ctrl') k.textContent = '⌘'; });
}
// The server says whether visitors may generate; explain a refusal up front.
async function listBackendsAndAccess() {
  const data = await listBackends();
  byId('closed-notice').hidden = data.anonymous !== false;
  return data;
}

picker.load(listBackendsAndAccess).catch((error) => {
  composer.showError(`Could not load the list of backends: ${errorText(error)}`);
});
recent.refresh();
getHealth().then((health) => { byId('version').textContent = health.version || ''; }, () => {});
