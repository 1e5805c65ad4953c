// The Generate form: reading and checking its values, Ctrl/Cmd+Enter, the busy
// state of the Generate button and the form's error region.

const MAX_PROMPT = 4000;
const MAX_SEED = 4294967295;

/**
 * Wires the form. onSubmit(request) receives the POST /api/generations body
 * and returns a promise; the button stays disabled until it settles.
 * Returns {showError(text), clearError(), setPrompt(text), focusPrompt()}.
 */
export function createComposer({ form, prompt, counter, negative, seed, size, backend, count, button, error }, onSubmit) {
  let busy = false;

  function showError(text, field = null) {
    error.textContent = text;
    prompt.removeAttribute('aria-invalid');
    seed.removeAttribute('aria-invalid');
    if (field) {
      field.setAttribute('aria-invalid', 'true');
      field.focus();
    }
  }

  const clearError = () => showError('');

  function updateCounter() {
    const length = prompt.value.length;
    counter.textContent = `${length} / ${MAX_PROMPT}`;
    counter.classList.toggle('near-limit', length > MAX_PROMPT * 0.9);
  }

  // The request body, or null after showing what to fix.
  function readRequest() {
    const text = prompt.value.trim();
    if (!text) {
      showError('Enter a prompt: describe the picture you want.', prompt);
      return null;
    }
    const body = { prompt: text, size: size.value || 'medium' };
    if (backend.value) body.backend = backend.value;
    const negativeText = negative.value.trim();
    if (negativeText) body.negative_prompt = negativeText;
    const seedText = seed.value.trim();
    if (seedText || seed.validity.badInput) {
      const value = seedText ? Number(seedText) : NaN;
      if (!Number.isInteger(value) || value < 0 || value > MAX_SEED) {
        showError(`The seed must be a whole number from 0 to ${MAX_SEED}, or empty for a random one.`, seed);
        return null;
      }
      body.seed = value;
    }
    const n = Number(count.value) || 1;
    if (n > 1) body.n = n;
    return body;
  }

  function setBusy(value) {
    busy = value;
    button.disabled = value;
    button.classList.toggle('is-busy', value);
    form.setAttribute('aria-busy', String(value));
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    const body = readRequest();
    if (!body) return;
    clearError();
    // Disabling the focused button drops focus to <body>: give it back after.
    const hadFocus = document.activeElement === button;
    setBusy(true);
    try {
      await onSubmit(body);
    } finally {
      setBusy(false);
      if (hadFocus && (document.activeElement === document.body || !document.activeElement)) button.focus();
    }
  });

  form.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  prompt.addEventListener('input', () => {
    updateCounter();
    if (prompt.value.trim()) prompt.removeAttribute('aria-invalid');
  });
  updateCounter();

  return {
    showError,
    clearError,
    setPrompt(text) {
      prompt.value = text;
      updateCounter();
    },
    focusPrompt: () => prompt.focus(),
  };
}
