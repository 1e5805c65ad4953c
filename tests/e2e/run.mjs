// Browser test of the aigen frontend.
//
//   node tests/e2e/run.mjs /path/to/aigen [extra serve options]
//
// e.g. `--dev-static web/static` tests the page sources instead of the copy
// embedded in the binary, without rebuilding it.
// Starts the binary on 127.0.0.1:0 with a fresh data directory, drives Debian's
// Chromium through playwright-core over the scenarios in scenarios.mjs, prints
// PASS/FAIL per scenario and "N passed, N failed", and exits 0 only if all pass.
// The server, the browser and the temp dir are always cleaned up.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

import { SCENARIOS } from './scenarios.mjs';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
const OVERALL_TIMEOUT_MS = 120_000;
const LISTEN_TIMEOUT_MS = 20_000;
const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/;

const state = { server: null, browser: null, dataDir: null, log: [], aborted: false };

function fail(message) {
  console.error(`e2e: ${message}`);
  process.exit(1); // the 'exit' handler cleans up
}

// Synchronous last-resort cleanup, safe to run twice (also from 'exit').
function cleanupSync() {
  if (state.server && state.server.exitCode === null && state.server.signalCode === null) {
    try { state.server.kill('SIGKILL'); } catch { /* already gone */ }
  }
  if (state.dataDir) {
    fs.rmSync(state.dataDir, { recursive: true, force: true });
    state.dataDir = null;
  }
}

async function cleanup() {
  if (state.browser) {
    const browser = state.browser;
    state.browser = null;
    await Promise.race([browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
  }
  const server = state.server;
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    const timer = setTimeout(() => server.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
  cleanupSync();
}

// Starts `aigen serve` and resolves with its base URL once it logs "listening on".
function startServer(binary, dataDir, extraArgs) {
  const args = ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir, ...extraArgs];
  const server = spawn(binary, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  state.server = server;
  const remember = (line) => {
    state.log.push(line);
    if (state.log.length > 200) state.log.shift();
  };
  readline.createInterface({ input: server.stdout }).on('line', remember);
  const lines = readline.createInterface({ input: server.stderr });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "listening on http://127.0.0.1:PORT" line within ${LISTEN_TIMEOUT_MS / 1000} s`)),
      LISTEN_TIMEOUT_MS,
    );
    lines.on('line', (line) => {
      remember(line);
      const match = LISTENING.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    server.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${binary}: ${error.message}`));
    });
    server.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited before listening (code ${code}, signal ${signal})`));
    });
  });
}

async function loadPlaywright() {
  try {
    return await import('playwright-core');
  } catch {
    fail(`playwright-core is not installed: run "npm ci" in ${path.dirname(new URL(import.meta.url).pathname)}`);
  }
  return null;
}

// Playwright's messages can carry the browser's whole log: keep what says why.
function brief(message) {
  const lines = message.replace(/\nBrowser logs:[\s\S]*?(?=\nCall log:|$)/, '').split('\n');
  return lines.length > 15 ? `${lines.slice(0, 15).join('\n')}\n  … (E2E_VERBOSE=1 shows all)` : lines.join('\n');
}

async function runScenarios(env) {
  let passed = 0;
  let failed = 0;
  for (const [name, scenario] of SCENARIOS) {
    if (state.aborted) break;
    const started = Date.now();
    try {
      await scenario(env);
      passed += 1;
      console.log(`PASS ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      failed += 1;
      const message = String(error && error.message ? error.message : error);
      console.log(`FAIL ${name}: ${process.env.E2E_VERBOSE ? message : brief(message)}`);
      if (process.env.E2E_VERBOSE && error && error.stack) console.log(error.stack);
    }
  }
  return { passed, failed };
}

async function main() {
  const binary = process.argv[2];
  if (!binary) fail('usage: node tests/e2e/run.mjs /path/to/aigen [extra serve options]');
  if (!fs.existsSync(binary)) fail(`no such binary: ${binary}`);
  if (!fs.existsSync(CHROMIUM)) {
    fail(`${CHROMIUM} is missing: install Debian's Chromium with "apt-get install chromium"`);
  }
  const { chromium } = await loadPlaywright();

  state.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigen-e2e-'));
  const baseUrl = await startServer(path.resolve(binary), state.dataDir, process.argv.slice(3));
  console.log(`server: ${baseUrl} (data dir ${state.dataDir})`);
  state.browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });

  const env = { baseUrl, browser: state.browser, shared: {}, screenshotDir: os.tmpdir() };
  const { passed, failed } = await runScenarios(env);
  console.log(`${passed} passed, ${failed} failed`);
  if (failed) {
    console.log('--- server log (last lines) ---');
    console.log(state.log.slice(-40).join('\n'));
  }
  return failed === 0 ? 0 : 1;
}

process.on('exit', cleanupSync);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    console.error(`e2e: ${signal}, cleaning up`);
    state.aborted = true;
    cleanup().finally(() => process.exit(1));
  });
}
const overall = setTimeout(() => {
  console.error(`e2e: overall timeout of ${OVERALL_TIMEOUT_MS / 1000} s reached`);
  state.aborted = true;
  console.log(state.log.slice(-40).join('\n'));
  cleanup().finally(() => process.exit(1));
}, OVERALL_TIMEOUT_MS);

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  console.error(`e2e: ${error && error.message ? error.message : error}`);
  if (state.log.length) console.error(state.log.slice(-40).join('\n'));
} finally {
  await cleanup();
  clearTimeout(overall);
}
process.exit(exitCode);
