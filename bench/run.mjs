// `make bench`: serves the repository on 127.0.0.1, drives bench/bench.html
// (the studio's own worker code next to its peers) in headless Chromium, runs
// the OpenSSL sides in temporary directories, and prints one table whose
// ratios all come from this run. Timings are medians of interleaved runs.

import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as openssl from './openssl.mjs';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(new URL('../e2e/package.json', import.meta.url));
const { chromium } = require('@playwright/test');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

// Sample sizes; the defaults keep the whole run near three minutes on two cores. RSA key
// searches vary a lot from key to key, so the chains (a, c) take 9 interleaved rounds.
const N = {
  chainRounds: Number(process.env.BENCH_CHAIN_ROUNDS || 9),
  idleRounds: Number(process.env.BENCH_IDLE_ROUNDS || 5), // the page open 10 s before each press
  idleMs: 10_000,
  keyRounds: Number(process.env.BENCH_KEY_ROUNDS || 3),
  keys2048: 8, // per side and round
  keys4096: 4,
  forge2048: Number(process.env.BENCH_FORGE_2048 || 4),
  forge4096: Number(process.env.BENCH_FORGE_4096 || 4),
  devices: 1000,
  opensslDevices: 100, // timed, then scaled to `devices`
  deviceRounds: 2,
  bigBatch: Number(process.env.BENCH_BIG_BATCH || 10000),
  cliDevices: Number(process.env.BENCH_CLI_DEVICES || 100000),
  renewDevices: Number(process.env.BENCH_RENEW_DEVICES || 10000),
};

// The npm package's command as `make package` stages it (target/package: what the tarball holds).
const CLI = join(REPO, 'target/package/bin/cert-studio.mjs');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const log = (...a) => console.error('  …', ...a);

// --- static server over the repository (www/ and bench/ and e2e/node_modules peers) ---
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml' };
function serve() {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(REPO, path);
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function machine(browser) {
  const model = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  const nproc = execFileSync('nproc').toString().trim();
  const opensslVersion = execFileSync('openssl', ['version']).toString().trim();
  return { nproc, model, chromium: browser.version(), openssl: opensslVersion, node: process.version };
}

/**
 * Resident memory (bytes) of each renderer process of this browser (a
 * descendant of this Node process, so other browsers on the machine are not
 * counted), by pid: a page with its workers, JS heap plus what that leaves
 * out, such as wasm linear memory.
 */
function renderers() {
  const parents = new Map();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parents.set(pid, stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {}
  }
  const mine = (pid) => {
    for (let p = pid, hops = 0; p && p !== '0' && hops < 20; p = parents.get(p), hops++) if (p === String(process.pid)) return true;
    return false;
  };
  const found = new Map();
  for (const pid of parents.keys()) {
    if (pid === String(process.pid) || !mine(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      found.set(pid, Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m)?.[1] ?? 0) * 1024);
    } catch {}
  }
  return found;
}

/**
 * Peak JS heap over the page and its workers, from CDP, sampled every 200 ms;
 * peak renderer RSS; and how many worker samples were asked for, answered in
 * their second, answered late (still counted) and never answered.
 */
async function heapSampler(context, page, rendererRss) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const workers = new Map(); // sessionId → last usedSize
  let next = 1;
  const samples = { asked: 0, inTime: 0, late: 0 };
  const pending = new Map(); // request id → { done, timedOut }
  cdp.on('Target.attachedToTarget', ({ sessionId, targetInfo }) => {
    // The studio's pool workers; the peers' idle workers are not the studio's memory.
    if (targetInfo.type === 'worker' && targetInfo.url.endsWith('/www/js/runtime/worker.js')) workers.set(sessionId, 0);
  });
  cdp.on('Target.detachedFromTarget', ({ sessionId }) => workers.delete(sessionId));
  cdp.on('Target.receivedMessageFromTarget', ({ sessionId, message }) => {
    const reply = JSON.parse(message);
    const ask = pending.get(reply.id);
    if (!ask) return;
    pending.delete(reply.id);
    // A late answer still counts as a sample, but not as answered in time.
    if (reply.result && workers.has(sessionId)) workers.set(sessionId, reply.result.usedSize);
    if (ask.timedOut) samples.late++;
    else samples.inTime++;
    ask.done();
  });
  let workersSeen = true;
  try {
    await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  } catch {
    workersSeen = false;
  }
  const askWorker = (sessionId) =>
    new Promise((resolve) => {
      const id = next++;
      const ask = { done: resolve, timedOut: false };
      pending.set(id, ask);
      samples.asked++;
      cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method: 'Runtime.getHeapUsage' }) }).catch(resolve);
      setTimeout(() => {
        ask.timedOut = true;
        resolve();
      }, 1000);
    });
  let peak = { total: 0, page: 0, workers: 0, rss: 0, rssBefore: rendererRss() };
  let mostWorkers = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const [metrics] = await Promise.all([cdp.send('Performance.getMetrics').catch(() => null), ...[...workers.keys()].map(askWorker)]);
      const pageHeap = metrics?.metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
      const workerHeap = [...workers.values()].reduce((a, b) => a + b, 0);
      mostWorkers = Math.max(mostWorkers, workers.size);
      if (pageHeap + workerHeap > peak.total) peak = { ...peak, total: pageHeap + workerHeap, page: pageHeap, workers: workerHeap };
      peak.rss = Math.max(peak.rss, rendererRss());
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      // Answers still on their way get a second more before they count as missing.
      const until = Date.now() + 1000;
      while (pending.size && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      await cdp.detach().catch(() => {});
      return { ...peak, workersSeen: workersSeen && mostWorkers > 0, mostWorkers, samples: { ...samples, missing: samples.asked - samples.inTime - samples.late } };
    },
  };
}

/** Navigation → the status line says "Ready" on the real page, in a fresh context (cold cache). */
async function timeToReady(browser, origin) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      const text = document.getElementById('status-text')?.textContent ?? '';
      if (text.startsWith('Ready')) {
        window.__readyAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await page.goto(`${origin}/www/index.html`);
  await page.waitForFunction(() => window.__readyAt !== undefined, null, { timeout: 30000 });
  const ms = await page.evaluate(() => window.__readyAt);
  await context.close();
  return ms;
}

const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
const rate = (count, ms) => `${(count / (ms / 1000)).toFixed(2)} keys/s`;
const mb = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;
const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;
const verdict = (ok) => (ok ? 'PASS' : 'FAIL');

/**
 * (e) The two wasm modules (wasm-pack.toml), raw and after gzip -9: the main
 * one is all the page fetches to become Ready; the CA panel's is fetched when
 * that panel is first used, so it is reported but has no target.
 */
function sizeRows(row) {
  const size = (file) => {
    const bytes = readFileSync(join(REPO, 'www/pkg', file));
    return { raw: bytes.length, gz: gzipSync(bytes, { level: 9 }).length };
  };
  const main = size('cert_studio_bg.wasm');
  const ca = size('cert_studio_ca_bg.wasm');
  row('e', `main wasm (all the page loads to be Ready) raw / gzip -9 (${main.gz.toLocaleString('en')} B)`, `${kb(main.raw)} / ${kb(main.gz)}`, '—', '—', '≤ 400,000 B gzip; ≤ 420,000 B with the safety checks of issue 21 (path rule, quoting, RegistrationId, WebCrypto signatures verified)', main.gz <= 420_000);
  row('e', 'CA panel wasm (import, inspect; fetched when that panel is first used) raw / gzip -9', `${kb(ca.raw)} / ${kb(ca.gz)}`, '—', '—', '—', null);
}

/**
 * (g) The package's command: `cert-studio chain` with `count` P-256 devices
 * into one streamed ZIP (16 files a device; ZIP64), timed from start to exit;
 * peak RSS of its process (main thread and worker threads share it) from GNU
 * time. A ZIP rather than a folder: 1.6 million file creations cost more
 * than deflating them.
 */
function cliBatch(count) {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`make package\``);
  const dir = mkdtempSync(join(tmpdir(), 'bench-cli-'));
  try {
    const started = performance.now();
    const args = ['-f', 'peak-rss-kb=%M', process.execPath, CLI, 'chain', '--key', 'ec-p256', '--devices', `device-{${'1'.padStart(String(count).length, '0')}..${count}}`, '--zip', join(dir, 'batch.zip'), '--json'];
    const result = spawnSync('/usr/bin/time', args, { encoding: 'utf8', maxBuffer: 64 << 20 });
    const ms = performance.now() - started;
    if (result.status !== 0) throw new Error(`cert-studio chain exited ${result.status}: ${result.stderr}`);
    const summary = JSON.parse(result.stdout);
    return { ms, made: summary.devices, files: summary.files, zipBytes: statSync(join(dir, 'batch.zip')).size, peakRss: Number(result.stderr.match(/peak-rss-kb=(\d+)/)[1]) * 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** (g) as a table row. */
function cliRow(row) {
  log(`(g) ${N.cliDevices} P-256 devices through the package's command`);
  const g = cliBatch(N.cliDevices);
  const perSecond = g.made / (g.ms / 1000);
  row('g', `${g.made} P-256 devices through the npm package's command (\`cert-studio chain --key ec-p256 --zip FILE\`, ${g.files} files, ZIP64 ${mb(g.zipBytes)}, ${cpus().length} worker threads, keys by Node's crypto): ${s(g.ms)}, ${Math.round(perSecond)} devices/s; peak RSS of the process (GNU time)`, `${Math.round(perSecond)} devices/s, ${mb(g.peakRss)}`, '—', '—', '≥ 2,000 devices/s; peak RSS < 400 MB', perSecond >= 2000 && g.peakRss < 400 * 1048576);
}

/** `cert-studio ARGS` under GNU time: its wall time and peak RSS; its stdout parsed as JSON. */
function timedCli(args) {
  const started = performance.now();
  const result = spawnSync('/usr/bin/time', ['-f', 'peak-rss-kb=%M', process.execPath, CLI, ...args, '--json'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`cert-studio ${args[0]} exited ${result.status}: ${result.stderr}`);
  return { ms, summary: JSON.parse(result.stdout), peakRss: Number(result.stderr.match(/peak-rss-kb=(\d+)/)[1]) * 1024 };
}

/**
 * (h) `cert-studio renew devices` (keys kept) of a ZIP of `count` P-256
 * devices that `cert-studio chain` made in this run, into a ZIP: the time
 * from start to exit and peak RSS; the chain that made the ZIP is the
 * reference (the same devices, with new keys) the ratio is against.
 */
function cliRenewRow(row) {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`make package\``);
  const count = N.renewDevices;
  log(`(h) renewal of ${count} P-256 devices from a ZIP through the package's command`);
  const dir = mkdtempSync(join(tmpdir(), 'bench-renew-'));
  try {
    const batch = join(dir, 'batch.zip');
    const made = timedCli(['chain', '--key', 'ec-p256', '--devices', `device-{${'1'.padStart(String(count).length, '0')}..${count}}`, '--zip', batch]);
    const renewed = timedCli(['renew', 'devices', '--ca', batch, '--certificates', batch, '--zip', join(dir, 'renewed.zip')]);
    const devices = renewed.summary.renewed.length;
    row('h', `${devices} P-256 devices renewed with their keys from a ZIP \`cert-studio chain\` made (\`cert-studio renew devices --ca ZIP --certificates ZIP --zip FILE\`, ${renewed.summary.files} files, ${cpus().length} worker threads): ${s(renewed.ms)}, peak RSS ${mb(renewed.peakRss)}; vs \`cert-studio chain\` making those devices (new keys) in this run: ${s(made.ms)}, peak RSS ${mb(made.peakRss)}`, `${s(renewed.ms)}, ${mb(renewed.peakRss)}`, s(made.ms), `${(renewed.ms / made.ms).toFixed(2)}× the time`, '< 30 s for 10,000; peak RSS < 600 MB', devices === count && renewed.ms < 30_000 * (count / 10_000) && renewed.peakRss < 600 * 1048576);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function printTable(rows) {
  console.log('| Row | Measure | Studio | Peer | Ratio | Target | Result |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.id} | ${r.what} | ${r.studio} | ${r.peer} | ${r.ratio} | ${r.target} | ${r.result} |`);
}

/** The machine's load as `uptime` says it: the bench shares its cores with whatever else runs. */
const load = () => execFileSync('uptime').toString().trim().replace(/^.*?(load average)/, '$1');

async function main() {
  const startedAt = Date.now();
  const loadBefore = load();
  if (process.argv.includes('--size-only')) {
    // Just the wasm sizes, in a second: `node bench/run.mjs --size-only`.
    const rows = [];
    sizeRows((id, what, studio, peer, ratio, target, ok) => rows.push({ id, what, studio, peer, ratio, target, result: ok === null ? '—' : verdict(ok) }));
    printTable(rows);
    return;
  }
  if (process.argv.includes('--cli-only')) {
    // Just row (g): `node bench/run.mjs --cli-only` (after `make package`).
    const rows = [];
    cliRow((id, what, studio, peer, ratio, target, ok) => rows.push({ id, what, studio, peer, ratio, target, result: ok === null ? '—' : verdict(ok) }));
    printTable(rows);
    return;
  }
  if (process.argv.includes('--renew-only')) {
    // Just row (h): `node bench/run.mjs --renew-only` (after `make package`).
    const rows = [];
    cliRenewRow((id, what, studio, peer, ratio, target, ok) => rows.push({ id, what, studio, peer, ratio, target, result: ok === null ? '—' : verdict(ok) }));
    printTable(rows);
    return;
  }
  const server = await serve();
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const info = machine(browser);
  const rows = [];
  const row = (id, what, studio, peer, ratio, target, ok) => rows.push({ id, what, studio, peer, ratio, target, result: ok === null ? '—' : verdict(ok) });

  try {
    // (e) first: a quiet machine for page start-up.
    log('(e) time to Ready on www/index.html');
    const loads = [];
    for (let i = 0; i < 3; i++) loads.push(await timeToReady(browser, origin));

    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(`${origin}/bench/bench.html`);
    await page.waitForFunction(() => window.bench !== undefined);
    await page.evaluate(() => window.bench.ready);
    const poolSize = await page.evaluate(() => window.bench.poolSize);
    await page.evaluate(() => window.bench.startPeers());

    // (a) and (c): studio, OpenSSL and @peculiar/x509, interleaved.
    const a = { studio: [], keys: [], openssl: [], peculiar: [], longest: [], idle: [], idleReady: 0 };
    let chainFiles = 0;
    for (let round = 0; round < N.chainRounds; round++) {
      log(`(a)(c) tutorial chain, round ${round + 1} of ${N.chainRounds}`);
      const studio = await page.evaluate(() => window.bench.studioChain());
      a.studio.push(studio.ms);
      a.keys.push(studio.keysMs);
      a.longest.push(studio.longestTask);
      chainFiles = studio.files.length;
      a.openssl.push(openssl.tutorialChain());
      a.peculiar.push((await page.evaluate(() => window.bench.peculiarChain())).ms);
      if (round < N.idleRounds) {
        log(`(a) the same press after the page was open ${N.idleMs / 1000} s, round ${round + 1} of ${N.idleRounds}`);
        const idle = await page.evaluate((ms) => window.bench.studioChainAfterIdle(ms), N.idleMs);
        a.idle.push(idle.ms);
        a.longest.push(idle.longestTask);
        if (idle.keysReady) a.idleReady++;
      }
    }
    const aStudio = median(a.studio);
    const aOpenssl = median(a.openssl);
    const aPeculiar = median(a.peculiar);
    row('a', `Tutorial chain RSA-4096: 4 keys, ${chainFiles} files incl. PFX (studio: keys ${s(median(a.keys))} of it) vs seed's OpenSSL commands (4 genrsa, req, ca, cat, 4 pkcs12); ${N.chainRounds} rounds each`, s(aStudio), s(aOpenssl), `${(aStudio / aOpenssl).toFixed(2)}×`, '≤ 0.30×', aStudio / aOpenssl <= 0.3);
    if (a.idle.length) {
      const aIdle = median(a.idle);
      row('a', `  the same with the page open ${N.idleMs / 1000} s first (keys made ahead while idle, ready in ${a.idleReady} of ${a.idle.length} rounds): press → Download ZIP offered; beside the cold press above and OpenSSL`, s(aIdle), s(aOpenssl), `${(aIdle / aOpenssl).toFixed(2)}× (cold ${s(aStudio)})`, '≤ 0.30 s', aIdle <= 300);
    }

    // (b) key generation throughput, sides interleaved per round.
    for (const bits of [2048, 4096]) {
      const count = bits === 2048 ? N.keys2048 : N.keys4096;
      const b = { studio: [], webcrypto: [] };
      for (let round = 0; round < N.keyRounds; round++) {
        log(`(b) RSA-${bits}, round ${round + 1} of ${N.keyRounds}: ${count} keys per side`);
        b.studio.push(await page.evaluate(([bits, count]) => window.bench.keys('studio', bits, count), [bits, count]));
        b.webcrypto.push(await page.evaluate(([bits, count]) => window.bench.keys('webcrypto', bits, count), [bits, count]));
      }
      const forgeCount = bits === 2048 ? N.forge2048 : N.forge4096;
      log(`(b) RSA-${bits}, node-forge: ${forgeCount} keys`);
      const forgeMs = await page.evaluate(([bits, count]) => window.bench.keys('forge', bits, count), [bits, forgeCount]);
      const studioPerKey = median(b.studio) / count;
      const webcryptoPerKey = median(b.webcrypto) / count;
      const forgePerKey = forgeMs / forgeCount;
      const total = count * N.keyRounds;
      row('b', `RSA-${bits} keys on ${poolSize} workers: studio key jobs (WebCrypto path, PKCS#8 into the core) vs raw WebCrypto generateKey+export pkcs8 (${total} keys per side)`, rate(1, studioPerKey), rate(1, webcryptoPerKey), `${(studioPerKey / webcryptoPerKey).toFixed(2)}× the time`, '≤ 1.5×', studioPerKey / webcryptoPerKey <= 1.5);
      row('b', `RSA-${bits} keys on ${poolSize} workers: studio vs node-forge (${forgeCount} forge keys)`, rate(1, studioPerKey), rate(1, forgePerKey), `${(forgePerKey / studioPerKey).toFixed(1)}× faster`, '≥ 5×', forgePerKey / studioPerKey >= 5);
    }

    row('c', 'Tutorial chain RSA-4096: studio (as in a) vs @peculiar/x509 on WebCrypto (keys, 4 certificates, PEM files; no PFX, CA keys not encrypted)', s(aStudio), s(aPeculiar), `${(aStudio / aPeculiar).toFixed(2)}×`, '≤ 1.00×', aStudio <= aPeculiar);

    // (d) 1,000 P-256 devices, interleaved with the OpenSSL loop.
    const d = { studio: [], openssl: [], longest: [], phases: [], files: 0, zip: 0 };
    for (let round = 0; round < N.deviceRounds; round++) {
      log(`(d) ${N.devices} P-256 devices, round ${round + 1} of ${N.deviceRounds}`);
      const studio = await page.evaluate((n) => window.bench.studioDevices(n), N.devices);
      d.studio.push(studio.ms);
      d.longest.push(studio.longestTask);
      d.phases.push(studio.phases);
      d.files = studio.files;
      d.zip = studio.zipBytes;
      const loop = openssl.deviceLoop(N.opensslDevices);
      d.openssl.push(loop.ca + (loop.devices * N.devices) / N.opensslDevices);
    }
    const dStudio = median(d.studio);
    const dOpenssl = median(d.openssl);
    const phase = (name) => s(median(d.phases.map((p) => p[name])));
    row('d', `${N.devices} P-256 devices as a batch (${d.files} files, ZIP ${mb(d.zip)}) in total: list, CA keys and CA ${phase('ca')}, devices streamed into the ZIP ${phase('devices')}`, s(dStudio), '—', '—', '≤ 5 s', dStudio <= 5000);
    row('d', `  vs OpenSSL loop (genpkey, req, ca, cat; ${N.opensslDevices} devices timed, ×${N.devices / N.opensslDevices})`, s(dStudio), s(dOpenssl), `${(dOpenssl / dStudio).toFixed(1)}× faster`, '≥ 10×', dOpenssl / dStudio >= 10);

    sizeRows(row);
    row('e', `Navigation → "Ready" on www/index.html (fresh context; median of 3: ${loads.map((x) => x.toFixed(0)).join(', ')} ms)`, `${median(loads).toFixed(0)} ms`, '—', '—', '≤ 1000 ms', median(loads) <= 1000);
    const longest = Math.max(...a.longest, ...d.longest);
    row('e', `Longest main-thread task (Long Tasks API) during (a): ${a.longest.length ? Math.max(...a.longest).toFixed(0) : '—'} ms, during (d): ${Math.max(...d.longest).toFixed(0)} ms`, `${longest.toFixed(0)} ms`, '—', '—', '≤ 100 ms', longest <= 100);

    await context.close();

    // (f) the big batch in a page of its own (a fresh context: its own renderer process, holding only what
    // the studio's batch needs, as the studio's page would), heap sampled over the page and its workers.
    log(`(f) ${N.bigBatch} P-256 devices with heap and RSS sampling, in a fresh page`);
    const earlier = new Set(renderers().keys());
    const batchContext = await browser.newContext();
    const batchPage = await batchContext.newPage();
    batchPage.on('pageerror', (e) => console.error('page error:', e.message));
    await batchPage.goto(`${origin}/bench/bench.html`);
    await batchPage.waitForFunction(() => window.bench !== undefined);
    await batchPage.evaluate(() => window.bench.ready);
    // The batch page's renderer: the one that was not there before its context opened.
    const batchRenderers = () => [...renderers()].filter(([pid]) => !earlier.has(pid)).reduce((most, [, rss]) => Math.max(most, rss), 0);
    const sampler = await heapSampler(batchContext, batchPage, batchRenderers);
    let f;
    let failure = null;
    try {
      f = await batchPage.evaluate((n) => window.bench.studioDevices(n), N.bigBatch);
    } catch (error) {
      failure = error.message.split('\n')[0];
    }
    const peak = await sampler.stop();
    await batchContext.close();
    // Every studio worker (the pool and the archivist) sampled, and no sample lost: otherwise the heap is a guess.
    const studioWorkers = poolSize + 1;
    const sampled = peak.workersSeen && peak.mostWorkers >= studioWorkers && peak.samples.missing === 0;
    const how = `page + ${peak.mostWorkers} of ${studioWorkers} studio workers; worker samples: ${peak.samples.asked} asked, ${peak.samples.inTime} answered within 1 s, ${peak.samples.late} late, ${peak.samples.missing} missing`;
    const heapOk = peak.total < 300 * 1048576;
    const rssOk = peak.rss < 400 * 1048576;
    row(
      'f',
      `${N.bigBatch} P-256 devices: ${failure ? `FAILED: ${failure}` : `${s(f.ms)} (CA ${s(f.phases.ca)}, devices streamed into the ZIP ${s(f.phases.devices)}), ${f.files} files, ZIP ${mb(f.zipBytes)}`}; in a fresh page. Peak JSHeapUsed (CDP, ${how}): page ${mb(peak.page)} + workers ${mb(peak.workers)} = ${mb(peak.total)} (${heapOk ? 'under' : 'over'} 300 MB); peak RSS of the page's renderer process (/proc, workers and wasm memory included): ${mb(peak.rss)}, ${mb(peak.rssBefore)} before the batch (${rssOk ? 'under' : 'over'} 400 MB)${sampled ? '' : '; FAILS for a missing worker sample'}`,
      `heap ${mb(peak.total)}, RSS ${mb(peak.rss)}`,
      '—',
      '—',
      'completes; JS heap < 300 MB; renderer RSS < 400 MB; every worker sampled',
      !failure && heapOk && rssOk && sampled,
    );
  } finally {
    await browser.close();
    server.close();
  }

  // (g) and (h) last, with the browser gone: the command line has the machine to itself.
  cliRow(row);
  cliRenewRow(row);

  const date = new Date(startedAt).toISOString().replace(/\.\d+Z$/, 'Z');
  console.log(`cert-studio benchmark, started ${date}`);
  console.log(`Machine: ${info.nproc} cores (nproc), ${info.model}; Chromium ${info.chromium} headless; ${info.openssl}; Node ${info.node}`);
  console.log(`Load (uptime): before the run ${loadBefore}; after it ${load()}`);
  console.log('');
  printTable(rows);
  console.log('');
  console.log(`Total bench time ${((Date.now() - startedAt) / 1000).toFixed(0)} s.`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
