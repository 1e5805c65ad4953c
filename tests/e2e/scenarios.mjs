// The browser scenarios run by run.mjs. Each gets env = {baseUrl, browser,
// shared, screenshotDir} and throws (node:assert) on failure. Each opens its
// own browser context, so scenarios do not share cookies or localStorage.

import assert from 'node:assert/strict';
import path from 'node:path';

const STEP_TIMEOUT_MS = 20_000;
const DESKTOP = { width: 1280, height: 860 };

// A fresh context and page that record every console error, page error,
// failed request and HTTP error response.
// `routes` maps URL globs to Playwright route handlers, set before the page loads.
async function openPage(env, { viewport = DESKTOP, colorScheme = 'light', permissions = [], routes = {} } = {}) {
  const context = await env.browser.newContext({ viewport, colorScheme, reducedMotion: 'reduce' });
  if (permissions.length) await context.grantPermissions(permissions, { origin: env.baseUrl });
  for (const [glob, handler] of Object.entries(routes)) await context.route(glob, handler);
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const problems = [];
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (req) => {
    // An EventSource closed by the page after the final event is not a failure.
    if (req.resourceType() !== 'eventsource') problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`);
  });
  page.on('response', (res) => { if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`); });
  await page.goto(env.baseUrl + '/');
  await ready(page);
  return { context, page, problems };
}

// The page has loaded its backends when the size select is enabled and filled.
async function ready(page) {
  await page.waitForFunction(() => {
    const size = document.getElementById('size');
    return size && !size.disabled && size.options.length > 0 && size.value !== '';
  });
}

async function withPage(env, options, body) {
  const opened = await openPage(env, options);
  try {
    await body(opened);
  } finally {
    await opened.context.close();
  }
}

async function chooseSize(page, name) {
  const size = page.getByLabel('Size', { exact: true });
  const value = await size.evaluate(
    (select, wanted) => [...select.options].find((o) => o.textContent.startsWith(wanted))?.value,
    name,
  );
  assert.ok(value, `no "${name}" option in the Size select`);
  await size.selectOption(value);
}

// Waits for the first result image to be decoded; returns its properties.
async function resultImage(page) {
  await page.waitForFunction(() => {
    const img = document.querySelector('#stage-result img');
    return img && img.complete && img.naturalWidth > 0;
  });
  return page.locator('#stage-result img').first().evaluate((img) => ({
    naturalWidth: img.naturalWidth,
    naturalHeight: img.naturalHeight,
    alt: img.alt,
    src: img.src,
    width: img.getAttribute('width'),
    height: img.getAttribute('height'),
  }));
}

async function generate(page, prompt, sizeName = 'Small') {
  await page.getByLabel('Prompt', { exact: true }).fill(prompt);
  await chooseSize(page, sizeName);
  await page.getByRole('button', { name: 'Generate' }).click();
  return resultImage(page);
}

async function screenshot(env, page, name) {
  const file = path.join(env.screenshotDir, `aigen-e2e-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`  screenshot: ${file}`);
}

const noHorizontalScroll = (page) =>
  page.evaluate(() => document.documentElement.scrollWidth);

async function pageLoads(env) {
  await withPage(env, {}, async ({ page, problems }) => {
    await page.waitForLoadState('networkidle');
    assert.match(await page.title(), /aigen/);
    for (const role of ['banner', 'main', 'contentinfo']) {
      assert.equal(await page.getByRole(role).count(), 1, `one ${role} landmark`);
    }
    await page.getByRole('textbox', { name: 'Prompt', exact: true }).waitFor();
    await page.getByRole('combobox', { name: 'Size' }).waitFor();
    await page.getByRole('combobox', { name: 'Backend' }).waitFor();
    await page.getByRole('button', { name: 'Generate' }).waitFor();
    await page.getByRole('heading', { name: 'Recent generations' }).waitFor();
    const backend = page.getByRole('combobox', { name: 'Backend' });
    const label = await backend.evaluate((s) => s.options[s.selectedIndex].textContent);
    if (label === 'Demo (not AI)') {
      assert.ok(await page.locator('#demo-notice').isVisible(), 'demo notice visible with the demo backend');
    }
    assert.ok(await page.locator('#closed-notice').isHidden(), 'no sign-in notice while visitors may generate');
    assert.equal(await page.getByLabel('Prompt', { exact: true }).getAttribute('maxlength'), '4000');
    assert.deepEqual(problems, [], 'no console errors or failed requests');
  });
}

async function generatesAnImage(env) {
  const prompt = 'a red sunset over the ocean';
  await withPage(env, { permissions: ['clipboard-read', 'clipboard-write'] }, async ({ page, problems }) => {
    // Record what the progress panel shows, however fast the backend is.
    await page.evaluate(() => {
      window.__seen = [];
      const panel = document.getElementById('stage-progress');
      const status = document.getElementById('progress-status');
      const record = () => { if (!panel.hidden) window.__seen.push(status.textContent); };
      new MutationObserver(record).observe(panel, { attributes: true, subtree: true, childList: true, characterData: true });
    });
    const image = await generate(page, prompt, 'Small');
    const seen = await page.evaluate(() => window.__seen);
    assert.ok(seen.some((text) => /Queued|Generating/.test(text)), `progress was shown (saw ${JSON.stringify(seen)})`);
    assert.equal(image.naturalWidth, 256);
    assert.equal(image.naturalHeight, 256);
    assert.equal(image.alt, prompt);
    assert.equal(image.width, '256');
    assert.equal(image.height, '256');
    await page.getByText('Demo, not AI').first().waitFor();

    const download = page.getByRole('link', { name: 'Download' }).first();
    assert.equal(await download.evaluate((a) => a.href), image.src, 'Download points at the image');
    assert.match(await download.getAttribute('download'), /^a-red-sunset-over-the-ocean\.(png|jpg)$/);
    const response = await page.request.get(image.src);
    assert.equal(response.status(), 200);
    assert.match(response.headers()['content-type'], /^image\//);

    await page.getByRole('button', { name: 'Copy prompt' }).click();
    await page.getByText('Copied', { exact: true }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), prompt);
    assert.ok(await page.getByRole('button', { name: 'Generate' }).isEnabled(), 'form usable again');
    await screenshot(env, page, 'desktop-1280');
    assert.deepEqual(problems, [], 'no console errors or failed requests');
  });
}

async function recentSurvivesReload(env) {
  const prompt = 'a quiet forest lake at dawn';
  await withPage(env, {}, async ({ page }) => {
    await generate(page, prompt, 'Small');
    const entry = page.locator('#recent-list button', { hasText: prompt });
    await entry.waitFor();
    await page.locator('#recent-list button', { hasText: 'Done' }).first().waitFor();
    await page.reload();
    await ready(page);
    await entry.waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector('#recent-list img');
      return img && img.complete && img.naturalWidth > 0;
    });
    assert.ok(await page.locator('#stage-result img').count() === 0, 'result area empty after reload');
    await entry.click();
    const image = await resultImage(page);
    assert.equal(image.alt, prompt);
    await page.getByRole('button', { name: 'Clear history' }).click();
    assert.equal(await page.locator('#recent-list li').count(), 0, 'Clear history empties the list');
    await page.reload();
    await ready(page);
    assert.equal(await page.locator('#recent-list li').count(), 0, 'cleared history stays cleared');
  });
}

async function emptyPromptRefused(env) {
  await withPage(env, {}, async ({ page }) => {
    const posts = [];
    page.on('request', (req) => {
      if (req.method() === 'POST' && req.url().endsWith('/api/generations')) posts.push(req);
    });
    for (const text of ['', '   \n  ']) {
      await page.getByLabel('Prompt', { exact: true }).fill(text);
      await page.getByRole('button', { name: 'Generate' }).click();
      const alert = page.locator('#form-error');
      await page.waitForFunction(() => document.getElementById('form-error').textContent.trim() !== '');
      assert.equal(await alert.getAttribute('role'), 'alert');
      assert.match(await alert.textContent(), /prompt/i);
      assert.equal(await page.getByLabel('Prompt', { exact: true }).getAttribute('aria-invalid'), 'true');
    }
    assert.equal(posts.length, 0, 'no request was sent');
    assert.ok(await page.getByRole('button', { name: 'Generate' }).isEnabled());
  });
}

async function phoneLayout(env) {
  const viewport = { width: 360, height: 740 };
  await withPage(env, { viewport }, async ({ page }) => {
    assert.ok(await noHorizontalScroll(page) <= 360, 'no horizontal scroll at 360 px');
    const button = page.getByRole('button', { name: 'Generate' });
    assert.ok(await button.isVisible(), 'Generate button visible');
    const box = await button.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 360, `Generate button inside the viewport (${JSON.stringify(box)})`);
    await page.getByText('More options').click();
    await generate(page, 'Supercalifragilisticexpialidocious-long-unbroken-prompt-text-that-must-wrap-on-phones', 'Small');
    const width = await noHorizontalScroll(page);
    assert.ok(width <= 360, `no horizontal scroll with a result shown (scrollWidth ${width})`);
    await screenshot(env, page, 'phone-360');
  });
}

async function keyboardOnly(env) {
  await withPage(env, {}, async ({ page }) => {
    const order = [];
    for (let i = 0; i < 20 && !order.includes('generate'); i += 1) {
      await page.keyboard.press('Tab');
      order.push(await page.evaluate(() => document.activeElement.id || document.activeElement.tagName.toLowerCase()));
    }
    const at = (id) => order.indexOf(id);
    for (const id of ['prompt', 'size', 'backend', 'generate']) assert.ok(at(id) >= 0, `Tab reaches #${id} (order: ${order})`);
    assert.ok(at('prompt') < at('size') && at('size') < at('backend') && at('backend') < at('generate'),
      `prompt, size, backend, Generate in order (got ${order})`);
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none', 'focused Generate button shows a focus outline');

    for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement.id)) !== 'prompt'; i += 1) {
      await page.keyboard.press('Shift+Tab');
    }
    await page.keyboard.type('a lighthouse in a storm');
    const post = page.waitForRequest((req) => req.method() === 'POST' && req.url().endsWith('/api/generations'));
    await page.keyboard.press('Control+Enter');
    await post;
    const image = await resultImage(page);
    assert.equal(image.alt, 'a lighthouse in a storm');
  });
}

// A server that refuses visitors (`anonymous = false`) says so before anyone
// types a prompt. The server's answer is the real one with that flag turned.
async function closedServerExplained(env) {
  const closed = async (route) => {
    const response = await route.fetch();
    route.fulfill({ response, json: { ...(await response.json()), anonymous: false } });
  };
  await withPage(env, { routes: { '**/api/backends': closed } }, async ({ page, problems }) => {
    const notice = page.locator('#closed-notice');
    await notice.waitFor({ state: 'visible' });
    assert.match(await notice.textContent(), /anonymous = true/);
    assert.deepEqual(problems, []);
  });
}

async function darkScheme(env) {
  await withPage(env, {}, async ({ page }) => {
    const colors = () => page.evaluate(() => {
      const style = getComputedStyle(document.body);
      return { background: style.backgroundColor, text: style.color };
    });
    const light = await colors();
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve())));
    const dark = await colors();
    assert.notEqual(dark.background, light.background, 'body background changes');
    assert.notEqual(dark.text, light.text, 'text color changes');
    await screenshot(env, page, 'desktop-dark');
  });
}

export const SCENARIOS = [
  ['a) page loads cleanly with labelled controls', pageLoads],
  ['b) generate shows progress, then a 256 px demo image', generatesAnImage],
  ['c) recent generations survive a reload', recentSurvivesReload],
  ['d) an empty prompt is refused without a request', emptyPromptRefused],
  ['e) 360x740 phone: no horizontal scroll', phoneLayout],
  ['f) keyboard: Tab order and Ctrl+Enter', keyboardOnly],
  ['g) dark color scheme', darkScheme],
  ['h) a server closed to visitors says so', closedServerExplained],
];
