// The package's TypeScript types as its users compile them (issue 23): a Node
// project (lib es2022, @types/node, no DOM) and a browser project (lib es2022
// and dom), both `strict` with `skipLibCheck: false`, so the package's own
// .d.ts files are checked too. A wrong example is refused in each, so the
// check is real.
// Run: node --test e2e/node/types.test.mjs   (after make build, make package and npm ci in e2e/)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, installPackage, tool } from './installed-package.mjs';

const TSC = join(REPO, 'e2e/node_modules/.bin/tsc');
const NODE_TYPES = join(REPO, 'e2e/node_modules/@types');

let project;
before(() => {
  ({ project } = installPackage('cert-studio-types-'));
});
after(() => rmSync(project, { recursive: true, force: true }));

const PROJECTS = {
  node: {
    compilerOptions: { strict: true, skipLibCheck: false, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022'], types: ['node'], typeRoots: [NODE_TYPES] },
    example: [
      "import { readFileSync } from 'node:fs';",
      "import { makeChain, validateChainSpec, type ChainSpec, type Product } from 'cert-studio';",
      "import { CaSession, inspect, type ImportedCa, type Inspection, type VerificationResult } from 'cert-studio/ca';",
      "const spec: ChainSpec = { keyAlgorithm: 'ec-p256', devices: ['device-01'], validityDays: 30 };",
      'const keys: number = validateChainSpec({ spec }).keyCount;',
      'const made: Product = makeChain({ spec, nowMs: Date.now() });',
      "const root = made.files.find((f) => f.path.endsWith('.root.ca.cert.pem'));",
      'const session = new CaSession();',
      "const cas: ImportedCa[] = session.importCa({ files: [{ name: 'root.pem', contents: root?.contents ?? readFileSync('root.pem') }], nowMs: Date.now() }).cas;",
      "const proof: VerificationResult = session.makeVerificationCertificate({ caId: cas[0].id, verificationCode: 'ABC', nowMs: Date.now() });",
      'session.free();',
      'const seen: Inspection = inspect({ files: [], nowMs: 0 });',
      'export { keys, cas, proof, seen };',
    ],
  },
  browser: {
    compilerOptions: { strict: true, skipLibCheck: false, noEmit: true, module: 'es2022', moduleResolution: 'bundler', target: 'es2022', lib: ['es2022', 'dom'], types: [] },
    example: [
      "import init, { makeChain, type Product } from 'cert-studio';",
      "import initCa, { CaSession, type ImportedCa } from 'cert-studio/ca';",
      "await init({ module_or_path: new URL('cert_studio_bg.wasm', import.meta.url) });",
      'await initCa();',
      "const made: Product = makeChain({ spec: { keyAlgorithm: 'ec-p256' }, nowMs: Date.now() });",
      "const blob = new Blob([made.files[0].contents.slice()], { type: 'application/x-pem-file' });",
      "const cas: ImportedCa[] = new CaSession().importCa({ files: [{ name: 'a.pem', contents: made.files[0].contents }], nowMs: Date.now() }).cas;",
      'export { blob, cas };',
    ],
  },
};

for (const [kind, { compilerOptions, example }] of Object.entries(PROJECTS)) {
  test(`tsc --strict compiles a typed example in a ${kind} project (lib ${compilerOptions.lib.join(', ')}; skipLibCheck false) and refuses a wrong one`, () => {
    assert.ok(existsSync(TSC), `${TSC} is missing: run npm ci in e2e/`);
    if (kind === 'node') assert.ok(existsSync(join(NODE_TYPES, 'node/package.json')), '@types/node is missing: run npm ci in e2e/');
    const dir = join(project, `typed-${kind}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `typed-${kind}`, private: true, type: 'module' }));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['*.ts'] }));
    // The package is found from the project above, as from any nested folder.
    writeFileSync(join(dir, 'good.ts'), example.join('\n'));
    const good = tool(TSC, ['-p', join(dir, 'tsconfig.json')], { cwd: dir });
    assert.equal(good.status, 0, `tsc refused the typed example in a ${kind} project:\n${good.stdout}${good.stderr}`);

    writeFileSync(join(dir, 'bad.ts'), [
      "import { makeChain } from 'cert-studio';",
      "const r = makeChain({ spec: { keyAlgorithm: 'ec-p256' }, nowMs: Date.now() });",
      'const secret: string = r.files[0].secret;',
      "const positional = makeChain({ keyAlgorithm: 'ec-p256' }, Date.now());",
      'export { secret, positional };',
    ].join('\n'));
    const bad = tool(TSC, ['-p', join(dir, 'tsconfig.json')], { cwd: dir });
    assert.notEqual(bad.status, 0, `tsc accepted a boolean assigned to a string in a ${kind} project`);
    assert.match(bad.stdout, /bad\.ts\(3,7\): error TS2322: Type 'boolean' is not assignable to type 'string'/);
    // One request object: the positional call of old is refused.
    assert.match(bad.stdout, /bad\.ts\(4,\d+\): error TS2554: Expected 1 arguments, but got 2/);
    assert.doesNotMatch(bad.stdout, /node_modules\/cert-studio/, `the package's own types have errors in a ${kind} project:\n${bad.stdout}`);
  });
}
