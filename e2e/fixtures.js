// The studio's test fixture: any console error or uncaught error fails the
// test, in the page and in its workers, and so does junk text on the page
// (`null`, `undefined`, `NaN`, `[object Object]`: a value the page forgot to
// handle), whenever it appears and whichever tab it is on.
import { join } from 'node:path';
import { test as base, expect } from '@playwright/test';
import { tempDir } from './chain-checks.js';

/**
 * Starts watching `page` (before it loads) for console errors and uncaught
 * errors, its workers' included; returns a function that lists them.
 * Playwright reports a worker's uncaught exception (as a page error) only
 * when the page leaves the Worker's `error` event unhandled, and the studio's
 * pool handles it (preventDefault) to replace the worker. So every Worker the
 * page makes gets a first `error` listener of the test's own.
 */
export async function watchForErrors(page) {
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('worker', (worker) => {
    worker.on('console', (message) => {
      if (message.type() === 'error') problems.push(`worker console error: ${message.text()}`);
    });
  });
  await page.exposeFunction('reportWorkerErrorToTest', (what) => problems.push(`worker error: ${what}`));
  await page.addInitScript(() => {
    const PageWorker = window.Worker;
    window.Worker = class Worker extends PageWorker {
      constructor(...args) {
        super(...args);
        this.addEventListener('error', (event) => window.reportWorkerErrorToTest(
          event instanceof ErrorEvent ? `${event.message} (${event.filename}:${event.lineno})` : 'it could not load its script',
        ));
      }
    };
  });
  return () => [...problems];
}

/** Words no sentence of the studio's holds, as whole words (C's `NULL` is not one of them). */
const JUNK = /\b(null|undefined|NaN)\b|\[object Object\]/;

/**
 * Starts watching `page` (before it loads) for junk text: every text the page
 * adds or changes, outside code listings (`pre`, whose files may hold such
 * words) and form fields; returns a function that lists each with its context.
 */
export async function watchForJunk(page) {
  // Kept on this side: a reload or another page loses nothing seen before it.
  const seen = [];
  await page.exposeFunction('reportJunkToTest', (what) => seen.push(what));
  await page.addInitScript((pattern) => {
    const junk = new RegExp(pattern);
    const checkText = (node) => {
      const element = node.parentElement;
      if (!element || element.closest('pre, textarea, script, style') || !junk.test(node.data)) return;
      window.reportJunkToTest(`${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}: ${node.data.trim().slice(0, 200)}`);
    };
    const check = (node) => {
      if (node.nodeType === Node.TEXT_NODE) return checkText(node);
      if (node.nodeType !== Node.ELEMENT_NODE) return;
      const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
      for (let text = walker.nextNode(); text; text = walker.nextNode()) checkText(text);
    };
    const watch = () => new MutationObserver((records) => {
      for (const record of records) {
        if (record.type === 'characterData') check(record.target);
        else for (const node of record.addedNodes) check(node);
      }
    }).observe(document.documentElement, { childList: true, characterData: true, subtree: true });
    if (document.documentElement) watch();
    else document.addEventListener('readystatechange', watch, { once: true });
  }, JUNK.source);
  return async () => {
    // The observer's reports cross over asynchronously: one round trip lets the last arrive.
    await page.evaluate(() => 0).catch(() => {});
    // And what is on screen now, built before the observer or not.
    const visible = await page.evaluate((pattern) => {
      const junk = new RegExp(pattern);
      const found = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const element = node.parentElement;
        if (!element || element.closest('pre, textarea, script, style') || !element.checkVisibility()) continue;
        if (junk.test(node.data)) found.push(`on screen, ${element.tagName.toLowerCase()}: ${node.data.trim().slice(0, 200)}`);
      }
      return found;
    }, JUNK.source).catch(() => []);
    return [...seen, ...visible];
  };
}

export const test = base.extend({
  page: async ({ page }, use) => {
    const problems = await watchForErrors(page);
    const junk = await watchForJunk(page);
    await use(page);
    expect(await junk(), 'the page showed junk text').toEqual([]);
    // Errors the page reported while the test ran Node-side work (openssl) may still be on
    // their way: one page task, then a round trip each way, lets them arrive.
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve))).catch(() => {});
    await page.evaluate(() => 0).catch(() => {});
    expect(problems(), 'the page logged errors').toEqual([]);
  },
});

export { expect };

/** Opens the served studio and waits until Generate can be pressed. */
export async function openStudio(page) {
  await page.goto('/');
  await expect(page.getByRole('status')).toContainText('Ready.');
}

/**
 * Records every text the status line shows from now on, with the page's clock
 * (performance.now()) when it showed; returns a function that reads them as
 * [{ text, at }]. Each record counts, so two lines set in one task are both kept.
 */
export async function recordStatus(page) {
  await page.evaluate(() => {
    window.statusLines = [];
    const line = document.getElementById('status-text');
    new MutationObserver((records) => {
      const at = performance.now();
      for (const record of records) {
        const texts = record.type === 'characterData' ? [record.target.data] : [...record.addedNodes].map((node) => node.textContent);
        for (const text of texts) window.statusLines.push({ text, at });
      }
    }).observe(line, { childList: true, characterData: true, subtree: true });
  });
  return () => page.evaluate(() => window.statusLines);
}

/** Recorded status lines (recordStatus) of a refusal: no key, device or signing step ever showed, and the last line says nothing was made. */
export function expectNothingStarted(lines) {
  const texts = lines.map((line) => line.text);
  expect(texts.at(-1), texts.join('\n')).toMatch(/^Not generated/);
  expect(texts.filter((text) => /^(Making keys|Devices:|Signing)/.test(text)), texts.join('\n')).toEqual([]);
}

/** Downloads what `click` starts into a fresh folder; returns the suggested name and the saved path. */
export async function download(page, click) {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = join(tempDir('studio-download-'), file.suggestedFilename());
  await file.saveAs(path);
  return { name: file.suggestedFilename(), path };
}

/** Opens one of the page's scenario tabs by its name ('IoT Edge', 'Bring your own CA', 'Inspect', …). */
export async function openTab(page, name) {
  await page.getByRole('tab', { name, exact: true }).click();
  await expect(page.getByRole('tab', { name, exact: true })).toHaveAttribute('aria-selected', 'true');
}
