// The fixture's error watch (fixtures.js) on its own: an uncaught exception
// inside one of the studio's module workers is caught, where Playwright's
// page and worker events see nothing once the page handles the worker's
// error event (as the pool does). It watches a second page of the
// same context, so the error it provokes is not this test's failure.
import { expect, openStudio, test, watchForErrors } from './fixtures.js';

test('an uncaught exception in a studio module worker is reported by the error watch', async ({ context }) => {
  const page = await context.newPage();
  const problems = await watchForErrors(page);
  await openStudio(page);
  expect(problems()).toEqual([]);
  // The studio's own worker script, as its pool starts it; its message handler reads `.type` of the message.
  const workerUrl = page.workers()[0].url();
  await page.evaluate((url) => {
    const worker = new Worker(url, { type: 'module' });
    // Handled as the pool handles it: then Chromium reports no page error, and only the worker's own exception is left.
    worker.addEventListener('error', (event) => event.preventDefault());
    worker.postMessage(null);
  }, workerUrl);
  await expect.poll(problems).toEqual([
    expect.stringMatching(/^worker error: Uncaught TypeError: Cannot read properties of null \(reading 'type'\) \(http.*worker\.js:\d+\)$/),
  ]);
});
