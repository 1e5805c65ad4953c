// Follows one generation until it finishes: Server-Sent Events first, polling
// once a second if the event stream fails before the end.

import { generationEventsUrl, getGeneration } from './api.js';
import { isFinished } from './format.js';

const POLL_MS = 1000;
const MAX_POLL_FAILURES = 5;

/**
 * Calls onUpdate(generation) on every change. Returns {done, stop}: `done`
 * resolves with the finished generation or rejects with an ApiError (e.g. 404
 * when it expired); stop() ends following without settling `done`.
 */
export function followGeneration(id, onUpdate) {
  let source = null;
  let timer = 0;
  let stopped = false;
  let failures = 0;
  let settle;
  const done = new Promise((resolve, reject) => {
    settle = { resolve, reject };
  });

  function stop() {
    stopped = true;
    clearTimeout(timer);
    if (source) source.close();
    source = null;
  }

  function handle(generation) {
    if (stopped || !generation || generation.id !== id) return;
    onUpdate(generation);
    if (isFinished(generation.status)) {
      stop();
      settle.resolve(generation);
    }
  }

  function poll() {
    getGeneration(id).then(
      (generation) => {
        failures = 0;
        handle(generation);
        if (!stopped) timer = setTimeout(poll, POLL_MS);
      },
      (error) => {
        if (stopped) return;
        failures += 1;
        if (error.status === 404 || failures >= MAX_POLL_FAILURES) {
          stop();
          settle.reject(error);
        } else {
          timer = setTimeout(poll, POLL_MS * failures);
        }
      },
    );
  }

  function onMessage(event) {
    try {
      handle(JSON.parse(event.data));
    } catch {
      // A malformed message: the next one, or polling, will catch up.
    }
  }

  if (typeof EventSource === 'function') {
    source = new EventSource(generationEventsUrl(id));
    source.addEventListener('generation', onMessage);
    source.addEventListener('message', onMessage);
    source.addEventListener('error', () => {
      if (stopped) return;
      source.close();
      source = null;
      poll();
    });
  } else {
    poll();
  }
  return { done, stop };
}
