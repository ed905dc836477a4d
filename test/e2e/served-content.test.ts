import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerationView } from '../../domain/generation';
import { postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';
import { browserSuiteRuns, launchChromium } from '../support/chromium';


/**
 * What a browser does with genflow's security headers: the docs page still works under its
 * CSP, images and audio still open and play when a user opens their URL, and a text asset that
 * holds a script is downloaded, never run.
 */
describe.skipIf(!temporalAddress || !browserSuiteRuns)('assets and /docs in headless Chromium', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const violations: string[] = [];
  const dialogs: string[] = [];

  async function output(body: Record<string, unknown>): Promise<GenerationView['outputs'][number]> {
    const res = await postJson(`${stack.baseUrl}/v1/generations`, body);
    const g = await waitForGeneration(stack.baseUrl, res.body.id as string);
    expect(g.status).toBe('succeeded');
    return g.outputs[0]!;
  }

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
    page = await browser.newPage({ acceptDownloads: true });
    page.on('console', (m) => {
      if (m.text().includes('Content Security Policy') || m.text().includes('blocked')) violations.push(m.text());
    });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('the /docs filter works under the page\'s CSP', async () => {
    await page.goto(`${stack.baseUrl}/docs`);
    const ops = page.locator('.op');
    const total = await ops.count();
    expect(total).toBeGreaterThan(20);
    await page.fill('#q', '/v1/batches');
    await expect.poll(() => page.locator('.op:visible').count()).toBeLessThan(total);
    expect(await page.locator('.op:visible').count()).toBeGreaterThan(0);
    expect(violations).toEqual([]);
  });

  it('an image and an audio clip open and play from their URLs', async () => {
    const image = await output({ model: 'local/image', prompt: 'a kite', parameters: { width: 64, height: 64 } });
    await page.goto(image.url);
    await expect.poll(() => page.evaluate('document.images[0] && document.images[0].naturalWidth')).toBe(64);

    const speech = await output({ model: 'local/speech', prompt: 'hello there' });
    await page.goto(speech.url);
    await expect.poll(() => page.evaluate('(document.querySelector("video, audio") || {}).readyState')).toBeGreaterThanOrEqual(1);
    expect(await page.evaluate('document.querySelector("video, audio").duration')).toBeGreaterThan(0);
    expect(violations).toEqual([]);
  });

  it('a text asset holding a script is downloaded, and the script never runs', async () => {
    const text = await output({ model: 'local/text', prompt: '<script>alert("xss " + document.cookie)</script>' });
    const [download] = await Promise.all([page.waitForEvent('download'), page.goto(text.url).catch(() => undefined)]);
    expect(download.suggestedFilename()).toBe(`${text.id}.txt`);
    await new Promise((r) => setTimeout(r, 300));
    expect(dialogs).toEqual([]);
  });
});
