import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, startStack, TEST_ADMIN_KEY, temporalAddress, waitForGeneration, type Stack } from '../support/stack';
import { browserSuiteRuns, launchChromium } from '../support/chromium';


/**
 * The experiments page in headless Chromium against the real stack: an administrator signs in
 * with the admin key, creates an experiment in the form, starts it, generations run through the local provider, and the
 * results and charts fill in. A screenshot is kept in test/artifacts/.
 */
describe.skipIf(!temporalAddress || !browserSuiteRuns)('experiments page in headless Chromium', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.accept();
    });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('signs in through the form: the session cookie is HttpOnly and SameSite=Strict, the key is stored nowhere', async () => {
    const violations: string[] = [];
    page.on('console', (m) => {
      if (m.text().includes('Content Security Policy')) violations.push(m.text());
    });
    const first = await page.goto(`${stack.baseUrl}/admin/experiments`);
    expect(first!.status()).toBe(401);
    await page.fill('input[name=key]', 'gf_not_a_key');
    await page.click('form button');
    await expect.poll(() => page.locator('body').textContent()).toContain('not valid');
    await page.fill('input[name=key]', TEST_ADMIN_KEY);
    await page.click('form button');
    await page.locator('#list tr').first().waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/experiments');
    const cookies = await page.context().cookies(stack.baseUrl);
    expect(cookies.map((c) => ({ name: c.name, httpOnly: c.httpOnly, sameSite: c.sameSite, path: c.path }))).toEqual([
      { name: 'genflow_session', httpOnly: true, sameSite: 'Strict', path: '/' },
    ]);
    expect(cookies[0]!.value).not.toContain(TEST_ADMIN_KEY.slice(8));
    // Scripts on the page cannot read it, and the key is in no storage a script can read.
    // (Strings, so the browser-side code needs no DOM types here.)
    expect(await page.evaluate('document.cookie')).toBe('');
    expect(await page.evaluate('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })')).not.toContain(TEST_ADMIN_KEY);
    expect(await page.locator('#sign-out').isVisible()).toBe(true);
    expect(violations).toEqual([]);
  });

  it('creates, starts and shows an experiment with results and charts', async () => {
    const pageErrors: string[] = [];
    const violations: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.text().includes('Content Security Policy')) violations.push(m.text());
    });
    await page.goto(`${stack.baseUrl}/admin/experiments`);
    // The list has loaded (the run's database may hold other suites' experiments).
    await page.locator('#list tr').first().waitFor();

    // Create through the form.
    await page.fill('#f-name', 'Small vs large landscapes');
    await page.fill('#f-description', 'Does a larger render cost users time and please them more?');
    const rows = page.locator('.variant-row');
    await rows.nth(0).locator('.v-name').fill('small');
    await rows.nth(0).locator('.v-params').fill('{"width": 64, "height": 64}');
    await rows.nth(1).locator('.v-name').fill('large');
    await rows.nth(1).locator('.v-params').fill('{"width": 1024, "height": 1024}');
    await page.selectOption('#f-allocation', 'thompson');
    await page.click('summary');
    await page.fill('#f-interval', '1');
    await page.click('#create button[type=submit]');
    await expect.poll(() => page.locator('#status').textContent()).toBe('draft');
    const id = new URL(page.url()).hash.slice(1);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await expect.poll(() => page.locator('#list tr.selected').textContent()).toContain('Small vs large landscapes');

    await page.click('#btn-start');
    await expect.poll(() => page.locator('#status').textContent()).toBe('running');

    // Traffic: users in two segments; some requests ask the provider to fail.
    const total = 36;
    for (let batch = 0; batch < 3; batch++) {
      const posted = await Promise.all(
        Array.from({ length: total / 3 }, (_, k) => {
          const i = batch * (total / 3) + k;
          const parameters = i % 6 === 5 ? { failWith: 'PROVIDER_ERROR' } : {};
          return postJson(`${stack.baseUrl}/v1/generations`, { experimentId: id, userId: `user-${i}`, segment: i % 3 === 0 ? 'pro' : 'free', prompt: `valley ${i}`, parameters });
        }),
      );
      expect(posted.map((p) => p.status)).toEqual(posted.map(() => 202));
      const done = await Promise.all(posted.map((p) => waitForGeneration(stack.baseUrl, p.body.id as string)));
      for (const g of done.filter((d) => d.status === 'succeeded')) {
        const rating = g.experiment?.variantId === 'v2' ? 4 + (g.prompt.length % 2) : 2 + (g.prompt.length % 3);
        expect((await postJson(`${stack.baseUrl}/v1/generations/${g.id}/rating`, { rating })).status).toBe(200);
      }
      await new Promise((r) => setTimeout(r, 1200)); // let a weight recomputation land between batches
    }

    // The page refreshes itself while the experiment runs.
    await expect.poll(() => page.locator('#detail').textContent(), { timeout: 20_000 }).toContain(`${total} outcomes`);
    const samples = await page.locator('#variants-table tbody tr td:nth-child(4)').allTextContents();
    expect(samples.map(Number).reduce((s, n) => s + n, 0)).toBe(total);
    expect(await page.locator('#recommendation').textContent()).toMatch(/^not enough data/);

    // Every chart has drawn data for both variants.
    expect(await page.locator('#chart-success circle.mark').count()).toBe(2);
    expect(await page.locator('#chart-success line.whisker').count()).toBe(2);
    expect(await page.locator('#chart-latency polyline.series').count()).toBe(2);
    // The local provider is free: the cost chart says so rather than drawing zero-height bars.
    expect(await page.locator('#chart-cost').textContent()).toContain('cost $0');
    expect(await page.locator('#chart-rating circle.mark').count()).toBe(2);
    expect(await page.locator('#chart-allocation polyline.series').count()).toBe(2);
    const allocationPoints = await page.locator('#chart-allocation polyline.series').first().getAttribute('points');
    expect(allocationPoints!.split(' ').length).toBeGreaterThan(2);

    mkdirSync('test/artifacts', { recursive: true });
    await page.screenshot({ path: 'test/artifacts/experiments-page.png', fullPage: true });

    // Segment split.
    await page.selectOption('#segment', 'pro');
    await expect.poll(async () => (await page.locator('#variants-table tbody tr td:nth-child(4)').allTextContents()).map(Number).reduce((s, n) => s + n, 0)).toBe(total / 3);

    // Pause and complete from the page.
    await page.click('#btn-pause');
    await expect.poll(() => page.locator('#status').textContent()).toBe('paused');
    await page.click('#btn-complete');
    await expect.poll(() => page.locator('#status').textContent(), { timeout: 10_000 }).toBe('completed');
    expect(await page.locator('#btn-start').isDisabled()).toBe(true);
    expect(pageErrors).toEqual([]);
    // The page runs under its CSP: nothing it needs was refused.
    expect(violations).toEqual([]);
    // Only the confirmation of "Complete": no error alerts.
    expect(dialogs).toEqual(['Complete this experiment? It cannot be restarted.']);
  });

  it('signs out: the cookie is gone and the page asks for a key again', async () => {
    await page.click('#sign-out');
    await page.locator('input[name=key]').waitFor();
    expect(await page.context().cookies(stack.baseUrl)).toEqual([]);
  });
});
