// The OpenSSL side of the benchmark: the tutorial's own commands, run in a
// fresh temporary directory with the tutorial's configuration files.

import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FIXTURES = new URL('../crate/tests/fixtures/', import.meta.url);
const ROOT = 'azure-iot-test-only.root.ca';
const INTERMEDIATE = 'azure-iot-test-only.intermediate';

function setup(keyCommand) {
  // The seed's steps (000), with Linux's `/CN=` for Git Bash's `//CN=`.
  return `set -e
mkdir certs csr intermediateCerts newcerts private
touch index.txt
openssl rand -hex 16 > serial
${keyCommand('-aes256 -pass pass:1234', `./private/${ROOT}.key.pem`)}
openssl req -new -x509 -config ./openssl_root_ca.cnf -passin pass:1234 -key ./private/${ROOT}.key.pem -subj '/CN=Azure IoT Hub CA Cert Test Only' -days 30 -sha256 -extensions v3_ca -out ./certs/${ROOT}.cert.pem
${keyCommand('-aes256 -pass pass:1234', `./private/${INTERMEDIATE}.key.pem`)}
openssl req -new -sha256 -passin pass:1234 -config ./openssl_device_intermediate_ca.cnf -subj '/CN=Azure IoT Hub Intermediate Cert Test Only' -key ./private/${INTERMEDIATE}.key.pem -out ./csr/${INTERMEDIATE}.csr.pem
openssl ca -batch -config ./openssl_root_ca.cnf -passin pass:1234 -extensions v3_intermediate_ca -days 30 -notext -md sha256 -in ./csr/${INTERMEDIATE}.csr.pem -out ./certs/${INTERMEDIATE}.cert.pem
`;
}

function device(keyCommand) {
  return `${keyCommand('', './private/$id.key.pem')}
  openssl req -config ./openssl_device_intermediate_ca.cnf -key ./private/$id.key.pem -subj "/CN=$id" -new -sha256 -out ./csr/$id.csr.pem
  openssl ca -batch -config ./openssl_device_intermediate_ca.cnf -passin pass:1234 -extensions usr_cert -days 30 -notext -md sha256 -in ./csr/$id.csr.pem -out ./certs/$id.cert.pem 2>/dev/null
  cat ./certs/$id.cert.pem ./certs/${INTERMEDIATE}.cert.pem ./certs/${ROOT}.cert.pem > ./certs/$id-full-chain.cert.pem`;
}

const rsa4096 = (encrypt, out) => `openssl genrsa ${encrypt.replace('-pass ', '-passout ')} -out ${out} 4096 2>/dev/null`;
const p256 = (encrypt, out) => `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 ${encrypt} -out ${out}`;

function inTempDir(script) {
  const dir = mkdtempSync(join(tmpdir(), 'cert-studio-bench-'));
  try {
    for (const name of ['openssl_root_ca.cnf', 'openssl_device_intermediate_ca.cnf']) copyFileSync(new URL(name, FIXTURES), join(dir, name));
    writeFileSync(join(dir, 'run.sh'), script);
    const started = process.hrtime.bigint();
    execFileSync('bash', ['run.sh'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    return Number(process.hrtime.bigint() - started) / 1e6;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** (a) Seed 000's chain, RSA-4096, two devices, plus seed 001's four `pkcs12 -export` lines. Milliseconds. */
export function tutorialChain() {
  return inTempDir(`${setup(rsa4096)}
for id in device-01 device-02; do
  ${device(rsa4096)}
done
openssl pkcs12 -inkey ./private/${ROOT}.key.pem -in ./certs/${ROOT}.cert.pem -export -passin pass:1234 -passout pass:1234 -out ./certs/root.pfx
openssl pkcs12 -inkey ./private/${INTERMEDIATE}.key.pem -in ./certs/${INTERMEDIATE}.cert.pem -export -passin pass:1234 -passout pass:1234 -out ./certs/intermediate.pfx
for id in device-01 device-02; do
  openssl pkcs12 -inkey ./private/$id.key.pem -in ./certs/$id-full-chain.cert.pem -export -passin pass:1234 -passout pass:1234 -out ./certs/$id-full-chain.cert.pfx
done
`);
}

/** (d) P-256 root and intermediate, then `count` devices (key, CSR, certificate, full chain). Milliseconds of each part. */
export function deviceLoop(count) {
  const ca = inTempDir(setup(p256));
  const ids = Array.from({ length: count }, (_, i) => `device-${String(i + 1).padStart(4, '0')}`).join(' ');
  const all = inTempDir(`${setup(p256)}
for id in ${ids}; do
  ${device(p256)}
done
`);
  return { ca, devices: Math.max(0, all - ca) };
}
