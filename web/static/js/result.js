// A finished generation in the result area: the picture(s), Download links,
// Copy prompt with a visible status, seed, size, backend and the demo badge.

import { copyText } from './clipboard.js';
import { el } from './dom.js';
import { downloadName, relativeTime } from './format.js';

function picture(generation, image, index) {
  const count = generation.images.length;
  const name = downloadName(generation.prompt, image.url, index, count);
  return el(
    'figure',
    { class: 'shot' },
    el('a', { class: 'shot-link', href: image.url, target: '_blank', rel: 'noopener', 'aria-label': `Open image ${index + 1} full size` },
      el('img', {
        src: image.url,
        alt: generation.prompt,
        width: image.width || generation.width,
        height: image.height || generation.height,
        decoding: 'async',
      }),
    ),
    count > 1
      ? el('figcaption', { class: 'shot-actions' }, downloadLink(image, name, `Download ${index + 1}`),
        image.seed !== undefined && image.seed !== null ? el('span', { class: 'chip', text: `Seed ${image.seed}` }) : null)
      : null,
  );
}

function downloadLink(image, name, text) {
  return el('a', { class: 'btn small primary-soft', href: image.url, download: name, text });
}

function chips(generation) {
  const seed = generation.images[0] && generation.images[0].seed !== undefined ? generation.images[0].seed : generation.seed;
  return el(
    'ul',
    { class: 'chips', 'aria-label': 'Details' },
    generation.is_demo ? el('li', { class: 'badge demo', text: 'Demo, not AI' }) : null,
    seed !== null && seed !== undefined && generation.images.length <= 1 ? el('li', { class: 'chip', text: `Seed ${seed}` }) : null,
    el('li', { class: 'chip', text: `${generation.width}×${generation.height}` }),
    generation.backend ? el('li', { class: 'chip', text: generation.backend }) : null,
    generation.expires_at ? el('li', { class: 'chip subtle', text: `Expires ${relativeTime(generation.expires_at)}` }) : null,
  );
}

function copyButton(prompt) {
  const status = el('span', { class: 'copy-status', role: 'status' });
  let timer = 0;
  const button = el('button', {
    type: 'button',
    class: 'btn small',
    text: 'Copy prompt',
    onclick: async () => {
      const ok = await copyText(prompt);
      status.textContent = ok ? 'Copied' : 'Copy failed — select the prompt and copy it by hand';
      status.classList.toggle('ok', ok);
      clearTimeout(timer);
      timer = setTimeout(() => { status.textContent = ''; }, 2500);
    },
  });
  return [button, status];
}

/** Replaces container's content with the finished, succeeded generation. */
export function renderResult(container, generation, { onReuseSeed } = {}) {
  const images = Array.isArray(generation.images) ? generation.images : [];
  const seed = images[0] ? images[0].seed : generation.seed;
  const single = images.length === 1
    ? downloadLink(images[0], downloadName(generation.prompt, images[0].url), 'Download')
    : null;
  const [copy, copied] = copyButton(generation.prompt);
  container.replaceChildren(
    el('div', { class: `shots${images.length > 1 ? ' multi' : ''}` }, images.map((image, i) => picture(generation, image, i))),
    el(
      'div',
      { class: 'result-meta' },
      el('p', { class: 'result-prompt', text: generation.prompt }),
      chips(generation),
      el(
        'div',
        { class: 'result-actions' },
        single,
        copy,
        onReuseSeed && seed !== null && seed !== undefined
          ? el('button', { type: 'button', class: 'btn small ghost', text: 'Reuse seed', onclick: () => onReuseSeed(generation, seed) })
          : null,
        copied,
      ),
    ),
  );
}
