// The benchmark page: the studio's own pool, worker and chain code (imported
// from www/js, exactly as the page uses them) next to the peers it is
// measured against. bench/run.mjs drives `window.bench` and prints the table.

import { WorkerPool, defaultPoolSize } from '../www/js/runtime/pool.js';
import { generateKeys } from '../www/js/make/keys.js';
import { makeOnPool, TUTORIAL_CHAIN } from '../www/js/make/pipeline.js';
import { makeBatchOnPool } from '../www/js/make/batch.js';
import { createKeyStock } from '../www/js/make/key-stock.js';
import { prepareZip } from '../www/js/views/files-view.js';

/** The chain form's defaults: the tutorial's chain, RSA-4096, PFX for every device. */
export function tutorialSpec(overrides = {}) {
  return {
    keyAlgorithm: 'rsa-4096',
    rootCn: 'Azure IoT Hub CA Cert Test Only',
    intermediateCns: ['Azure IoT Hub Intermediate Cert Test Only'],
    devices: ['device-01', 'device-02'],
    validityDays: 30,
    caKeyPassword: '1234',
    keyFormat: 'pkcs8',
    pfxProfile: 'modern',
    pfxPassword: '1234',
    idScope: '',
    hubName: '',
    folder: '',
    dpsName: '',
    resourceGroup: '',
    ...overrides,
  };
}

export function deviceIds(count) {
  const width = String(count).length;
  return Array.from({ length: count }, (_, i) => `device-${String(i + 1).padStart(width, '0')}`);
}

// The main thread's long tasks, kept for the whole run; run.mjs asks for windows of it.
const longTasks = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) longTasks.push({ start: entry.startTime, duration: entry.duration });
}).observe({ type: 'longtask' });

function longestTask(from, to) {
  return longTasks.filter((t) => t.start >= from && t.start <= to).reduce((max, t) => Math.max(max, t.duration), 0);
}

async function compileWasm() {
  return WebAssembly.compileStreaming(fetch(new URL('../www/pkg/cert_studio_bg.wasm', import.meta.url)));
}

const size = defaultPoolSize();
const pool = new WorkerPool({
  createWorker: () => new Worker(new URL('../www/js/runtime/worker.js', import.meta.url), { type: 'module' }),
  module: compileWasm(),
  size,
});

// The batch ZIP's writer, as the page makes it for its first batch.
const archivist = new WorkerPool({
  createWorker: () => new Worker(new URL('../www/js/runtime/worker.js', import.meta.url), { type: 'module' }),
  module: pool.module,
  size: 1,
});

// The peers' workers start when first asked for, so a page that only runs the
// studio's batch (row f, in a page of its own) holds the studio's memory alone.
const peerScripts = { webcrypto: './webcrypto-worker.js', forge: './forge-worker.js' };
const peers = {};
const peerWorkers = (kind) => (peers[kind] ??= Array.from({ length: size }, () => new Worker(new URL(peerScripts[kind], import.meta.url))));

function ask(worker, message) {
  return new Promise((resolve, reject) => {
    // Only the worker's answer (a number): forge may post its own timer messages.
    worker.onmessage = (event) => typeof event.data === 'number' && resolve(event.data);
    worker.onerror = (event) => reject(new Error(event.message));
    worker.postMessage(message);
  });
}

/** Wall-clock milliseconds for `count` keys spread over `size` workers of one kind. */
async function keys(kind, bits, count) {
  const started = performance.now();
  if (kind === 'studio') {
    await generateKeys(pool, Array(count).fill(`rsa-${bits}`));
  } else {
    const workers = peerWorkers(kind);
    const shares = workers.map((_, i) => Math.floor(count / workers.length) + (i < count % workers.length ? 1 : 0));
    await Promise.all(workers.map((worker, i) => (shares[i] ? ask(worker, { bits, count: shares[i] }) : 0)));
  }
  return performance.now() - started;
}

/** (a) The tutorial chain as the page makes it. */
async function studioChain() {
  const started = performance.now();
  const signing = signingClock();
  const { files, chain } = await makeOnPool(pool, TUTORIAL_CHAIN, tutorialSpec(), { onProgress: signing.onProgress });
  const ms = performance.now() - started;
  return { ms, keysMs: signing.at - started, files: files.map((f) => f.path), certificates: chain.length, longestTask: longestTask(started, started + ms) };
}

/** The keys made ahead while the page is idle, as the page's chain tab has them. */
const keyStock = createKeyStock(pool);

/**
 * (a) with the page open for `idleMs` first: the stock makes the chain's keys
 * and stretches the CA key password meanwhile (make/key-stock.js), then the
 * press is timed until the ZIP is ready to download, as the page offers it.
 * Nothing is made ahead outside this measure.
 */
async function studioChainAfterIdle(idleMs) {
  const spec = tutorialSpec();
  const algorithms = await TUTORIAL_CHAIN.keyAlgorithms(pool, spec, {});
  keyStock.hold(false);
  keyStock.want('chain', { algorithms, generator: 'webcrypto', password: spec.caKeyPassword });
  await new Promise((resolve) => setTimeout(resolve, idleMs));
  const keysReady = keyStock.state('chain').state === 'ready';
  keyStock.hold(true);
  const started = performance.now();
  const keysAhead = { take: (need, options) => keyStock.take('chain', need, options) };
  const { files } = await makeOnPool(pool, TUTORIAL_CHAIN, spec, { keysAhead });
  await prepareZip(pool, files);
  const ms = performance.now() - started;
  keyStock.want('chain', null);
  return { ms, keysReady, longestTask: longestTask(started, started + ms) };
}

/** When makeOnPool moved from keys to signing, to split its time in two. */
function signingClock() {
  const clock = { at: NaN };
  clock.onProgress = ({ phase }) => {
    if (phase === 'signing') clock.at = performance.now();
  };
  return clock;
}

/**
 * (d)/(f) A batch of P-256 devices as the page makes one over 20 devices:
 * the ID list parsed, CA keys and CA, then chunks of devices over the pool,
 * streamed into one ZIP by the archivist.
 */
async function studioDevices(count) {
  const started = performance.now();
  let devicesAt = NaN;
  const onProgress = ({ phase }) => {
    if (phase === 'devices' && Number.isNaN(devicesAt)) devicesAt = performance.now();
  };
  const { devices: ids } = await pool.run('parseDeviceList', { devices: `device-{1..${count}}` });
  const batch = await makeBatchOnPool({ pool, archivist }, tutorialSpec({ keyAlgorithm: 'ec-p256' }), ids, { onProgress });
  const ms = performance.now() - started;
  if (batch.made !== count) throw new Error(`the batch made ${batch.made} of ${count} devices`);
  return {
    ms,
    phases: { ca: devicesAt - started, devices: performance.now() - devicesAt },
    files: batch.zipFiles,
    zipBytes: batch.zip.size,
    longestTask: longestTask(started, started + ms),
  };
}

/** (c) The same chain with @peculiar/x509 on WebCrypto: RSA-4096 keys, certificates with the tutorial's extensions, PEM files. */
async function peculiarChain() {
  const x509 = globalThis.x509;
  x509.cryptoProvider.set(crypto);
  const started = performance.now();
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 4096 };
  const names = ['root', 'intermediate', 'device-01', 'device-02'];
  const pairs = await Promise.all(names.map(() => crypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])));
  const [rootKeys, intermediateKeys, ...deviceKeys] = pairs;
  const notBefore = new Date();
  const notAfter = new Date(notBefore.getTime() + 30 * 86400e3);
  const serial = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('').replace(/^[89a-f]/, '1');
  const caUsage = x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.keyCertSign;

  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(), name: 'CN=Azure IoT Hub CA Cert Test Only', notBefore, notAfter, signingAlgorithm: algorithm, keys: rootKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(caUsage, true),
      await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  const issue = async (subject, issuer, issuerKey, publicKey, extensions) =>
    x509.X509CertificateGenerator.create({
      serialNumber: serial(), subject, issuer: issuer.subject, notBefore, notAfter, signingAlgorithm: algorithm,
      publicKey, signingKey: issuerKey,
      extensions: [...extensions, await x509.SubjectKeyIdentifierExtension.create(publicKey), await x509.AuthorityKeyIdentifierExtension.create(issuer)],
    });
  const intermediate = await issue('CN=Azure IoT Hub Intermediate Cert Test Only', root, rootKeys.privateKey, intermediateKeys.publicKey, [
    new x509.BasicConstraintsExtension(true, 0, true),
    new x509.KeyUsagesExtension(caUsage, true),
  ]);
  const files = {
    'certs/azure-iot-test-only.root.ca.cert.pem': root.toString('pem'),
    'certs/azure-iot-test-only.intermediate.cert.pem': intermediate.toString('pem'),
  };
  const keyPem = async (key) => x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
  files['private/azure-iot-test-only.root.ca.key.pem'] = await keyPem(rootKeys.privateKey);
  files['private/azure-iot-test-only.intermediate.key.pem'] = await keyPem(intermediateKeys.privateKey);
  for (const [i, id] of ['device-01', 'device-02'].entries()) {
    const device = await issue(`CN=${id}`, intermediate, intermediateKeys.privateKey, deviceKeys[i].publicKey, [
      new x509.BasicConstraintsExtension(false, undefined, false),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth], false),
    ]);
    const pem = device.toString('pem');
    files[`certs/${id}.cert.pem`] = pem;
    files[`certs/${id}-full-chain.cert.pem`] = [pem, files['certs/azure-iot-test-only.intermediate.cert.pem'], files['certs/azure-iot-test-only.root.ca.cert.pem']].join('\n');
    files[`private/${id}.key.pem`] = await keyPem(deviceKeys[i].privateKey);
  }
  return { ms: performance.now() - started, files: Object.keys(files) };
}

window.bench = {
  poolSize: size,
  /** The peers' workers, started before their rows so no timing includes a worker's start. */
  startPeers: () => Object.keys(peerScripts).forEach(peerWorkers),
  ready: pool.ready,
  keys,
  studioChain,
  studioChainAfterIdle,
  studioDevices,
  peculiarChain,
  now: () => performance.now(),
};
pool.ready.then(() => { document.getElementById('state').textContent = 'ready'; });
