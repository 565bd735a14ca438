// How a project uses the fixture: every test gets its own fresh chain.
import { readFileSync } from 'node:fs';
import { test as base, expect } from '@playwright/test';
import { withCertChain } from './fixture.js';

const test = withCertChain(base);

test.use({ chainSpec: { devices: ['sensor-1', 'sensor-2'] } });

test('each test gets its own devices', async ({ certChain }) => {
  const sensor = certChain.device('sensor-1');
  expect(readFileSync(sensor.fullChain, 'utf8').match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
  expect(sensor.thumbprintSha1).toMatch(/^[0-9A-F]{40}$/);
  // e.g. hand sensor.certificate and sensor.key to the client under test here.
});
