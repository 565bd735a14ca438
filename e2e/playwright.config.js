// Playwright drives Debian's Chromium (no `npx playwright install`) against
// the static site in ../www, served as any static file server would.
import { defineConfig } from '@playwright/test';

const PORT = Number(process.env.STUDIO_TEST_PORT || 8181);

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.js',
  // RSA-4096 keys take seconds each in wasm, and CI has two cores.
  timeout: 180_000,
  expect: { timeout: 60_000 },
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}/`,
    browserName: 'chromium',
    acceptDownloads: true,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  webServer: {
    command: `python3 -m http.server ${PORT} --bind 127.0.0.1 --directory ../www`,
    url: `http://127.0.0.1:${PORT}/index.html`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: 'ignore',
    stderr: 'ignore',
  },
});
