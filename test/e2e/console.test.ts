import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, postJson, startStack, TEST_ADMIN_KEY, temporalAddress, waitForGeneration, type Stack } from '../support/stack';
import { browserSuiteRuns, launchChromium } from '../support/chromium';
import type { GenerationView } from '../../domain/generation';

const TEMPORAL_UI = 'http://127.0.0.1:8233';

/** Signs a fresh browser context in through the console's own form, as a person would. */
async function signIn(browser: Browser, stack: Stack, key: string, viewport = { width: 1280, height: 800 }): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('the server responded with a status of')) errors.push(m.text());
  });
  page.on('dialog', (d) => void d.accept());
  const first = await page.goto(`${stack.baseUrl}/console`);
  expect(first!.status()).toBe(401);
  await page.fill('input[name=key]', key);
  await page.click('form button');
  await page.locator('header.top .who').waitFor();
  return { context, page, errors };
}

/**
 * The web console in headless Chromium against the real stack (API, worker, Temporal, local
 * provider): sign-in, the playground's generated form, the gallery's Chinese search, the
 * detail page, compare and rate into an experiment, a failure's code, and a user key that
 * cannot see another owner's generation.
 */
describe.skipIf(!temporalAddress || !browserSuiteRuns)('web console in headless Chromium', () => {
  let stack: Stack;
  let browser: Browser;
  let admin: { context: BrowserContext; page: Page; errors: string[] };
  const tag = randomUUID().slice(0, 8);
  let imageId = '';

  beforeAll(async () => {
    stack = await startStack({ console: { temporalUiUrl: TEMPORAL_UI, temporalNamespace: 'default' } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('signs in with the form: the session cookie is HttpOnly, the page runs under its CSP', async () => {
    admin = await signIn(browser, stack, TEST_ADMIN_KEY);
    const { page } = admin;
    expect(new URL(page.url()).pathname).toBe('/console');
    expect(await page.locator('header.top .who').textContent()).toContain('admin');
    expect(await page.locator('nav a').allTextContents()).toEqual(['Playground', 'Generations', 'Compare', 'Batches', 'Experiments', 'Operations']);
    expect(await page.evaluate('document.cookie')).toBe('');
    expect(await page.evaluate('JSON.stringify({ ...localStorage })')).not.toContain(TEST_ADMIN_KEY);
    const shell = await page.request.get(`${stack.baseUrl}/console`);
    expect(shell.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(shell.headers()['content-security-policy']).not.toContain('unsafe-inline');
    const script = await page.request.get(`${stack.baseUrl}/console/app.js`);
    expect(script.headers()['x-content-type-options']).toBe('nosniff');
    expect(script.headers()['content-type']).toContain('text/javascript');
  });

  it('generates from the playground with a parameter chosen in the form built from the schema, and shows the image', async () => {
    const { page } = admin;
    await page.goto(`${stack.baseUrl}/console#/playground`);
    await page.fill('#model-search', 'local/im');
    await page.click('button.model[data-model="local/image"]');
    // Controls come from the model's JSON Schema: an enum is a select, a bounded integer a slider with a box.
    expect(await page.locator('select#param-format option').allTextContents()).toEqual(['png', 'jpeg', 'webp']);
    expect(await page.locator('.range input[type=range]').count()).toBeGreaterThan(0);
    await page.selectOption('#param-format', 'jpeg');
    await page.fill('#param-width', '160');
    await page.fill('#prompt', `灯塔 on a cliff at dusk ${tag}`);
    await page.click('#submit');
    const img = page.locator('#result img.output');
    await img.waitFor({ timeout: 30_000 });
    expect(await page.locator('#run-status').textContent()).toBe('succeeded');
    await expect.poll(() => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBe(160);
    expect(await page.locator('#result .facts').textContent()).toMatch(/cost \$0 .* 1 attempt/);
    imageId = (await page.locator('#result a.detail-link').getAttribute('href'))!.split('/').pop()!;
    const stored = await getJson<GenerationView>(`${stack.baseUrl}/v1/generations/${imageId}`);
    expect(stored.body.parameters).toMatchObject({ format: 'jpeg', width: 160 });
    expect(stored.body.outputs[0]!.contentType).toBe('image/jpeg');
  });

  it('finds the generation by a two-character Chinese search, with a server-made thumbnail, and opens its detail page', async () => {
    const { page } = admin;
    // Another generation with the same English words but not the Chinese ones.
    const other = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'local/image', prompt: `a cliff at dusk ${tag}`, parameters: { width: 64, height: 64 } });
    await waitForGeneration(stack.baseUrl, other.body.id as string);
    await page.goto(`${stack.baseUrl}/console#/generations`);
    await page.fill('#f-q', '灯塔');
    await page.press('#f-q', 'Enter');
    await expect.poll(() => page.locator('#gallery .gen-card').first().getAttribute('data-id')).toBe(imageId);
    expect(await page.locator(`#gallery .gen-card[data-id="${other.body.id as string}"]`).count()).toBe(0);
    expect(decodeURIComponent(new URL(page.url()).hash)).toBe('#/generations?q=灯塔');
    // The tile is the thumbnail route's small WebP, not the full image.
    const thumb = page.locator(`#gallery .gen-card[data-id="${imageId}"] img.thumb`);
    expect(await thumb.getAttribute('src')).toBe(`/v1/assets/${(await getJson<GenerationView>(`${stack.baseUrl}/v1/generations/${imageId}`)).body.outputs[0]!.id}/thumbnail?size=256`);
    await expect.poll(() => thumb.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);

    await thumb.click();
    await page.locator('#timeline').waitFor();
    expect(new URL(page.url()).hash).toBe(`#/generations/${imageId}`);
    const steps = await page.locator('#timeline li strong').allTextContents();
    expect(steps[0]).toBe('queued');
    expect(steps[1]).toBe('running');
    expect(steps.some((s) => s.startsWith('attempt local/image: succeeded'))).toBe(true);
    expect(steps.at(-1)).toBe('stored 1 output');
    expect(await page.locator('#prompt').textContent()).toBe(`灯塔 on a cliff at dusk ${tag}`);
    expect(await page.locator('.detail pre.json').first().textContent()).toContain('"format": "jpeg"');
    expect(await page.locator('#temporal-link').getAttribute('href')).toBe(`${TEMPORAL_UI}/namespaces/default/workflows/gen_${imageId}`);
    await page.locator('.detail img.output').waitFor();

    // Re-run with the same parameters: a new generation, same model and parameters.
    await page.click('#rerun');
    await expect.poll(() => new URL(page.url()).hash).not.toBe(`#/generations/${imageId}`);
    const rerunId = new URL(page.url()).hash.split('/').pop()!;
    const rerun = await waitForGeneration(stack.baseUrl, rerunId);
    expect(rerun.parameters).toMatchObject({ format: 'jpeg', width: 160 });
    expect(rerun.prompt).toBe(`灯塔 on a cliff at dusk ${tag}`);
    // Delete it from its page: gone from the API.
    await page.reload();
    await page.locator('#delete:not([hidden])').waitFor();
    await page.click('#delete');
    await expect.poll(() => new URL(page.url()).hash).toBe('#/generations');
    expect((await getJson(`${stack.baseUrl}/v1/generations/${rerunId}`)).status).toBe(404);
  });

  it('shows a failed generation\'s error code in the playground, the gallery and the detail page', async () => {
    const { page } = admin;
    await page.goto(`${stack.baseUrl}/console#/playground?model=local/image`);
    await page.locator('#param-failWith').waitFor();
    await page.selectOption('#param-failWith', 'CONTENT_REJECTED');
    await page.fill('#prompt', `a forbidden picture ${tag}`);
    await page.click('#submit');
    await page.locator('#result .error-code').waitFor({ timeout: 30_000 });
    expect(await page.locator('#result .error-code').textContent()).toBe('CONTENT_REJECTED');
    expect(await page.locator('#run-status').textContent()).toBe('failed');

    await page.goto(`${stack.baseUrl}/console#/generations?status=failed&q=${tag}`);
    const card = page.locator('#gallery .gen-card').first();
    await card.waitFor();
    expect(await card.locator('.error-code').textContent()).toBe('CONTENT_REJECTED');
    await card.locator('a.prompt').click();
    await page.locator('#error .error-code').waitFor();
    expect(await page.locator('#error .error-code').textContent()).toBe('CONTENT_REJECTED');
    expect(await page.locator('#error').textContent()).toContain('injected failure');
    expect((await page.locator('#timeline li strong').allTextContents()).at(-1)).toBe('failed');
  });

  it('compares an experiment\'s variants side by side, rates one, and the rating reaches the experiment\'s results', async () => {
    const { page } = admin;
    const created = await postJson(`${stack.baseUrl}/v1/experiments`, {
      name: `console compare ${tag}`,
      variants: [
        { name: 'small', model: 'local/image', parameters: { width: 64, height: 64 } },
        { name: 'wide', model: 'local/image', parameters: { width: 192, height: 64 } },
      ],
      allocation: { type: 'fixed', weights: [1, 1] },
      metrics: [{ name: 'rating', goal: 'maximize', primary: true }],
      recomputeIntervalSeconds: 1,
    });
    expect(created.status).toBe(201);
    const experimentId = created.body.id as string;
    expect((await postJson(`${stack.baseUrl}/v1/experiments/${experimentId}/start`, {})).status).toBe(200);
    // Users until both variants have a generation (allocation is sticky per user).
    const seen = new Set<string>();
    for (let i = 0; seen.size < 2 && i < 40; i++) {
      const res = await postJson(`${stack.baseUrl}/v1/generations`, { experimentId, userId: `u-${tag}-${i}`, prompt: `harbour ${i}` });
      const done = await waitForGeneration(stack.baseUrl, res.body.id as string);
      if (done.status === 'succeeded') seen.add(done.experiment!.variantId);
    }
    expect(seen.size).toBe(2);

    await page.goto(`${stack.baseUrl}/console#/compare?experiment=${experimentId}`);
    const columns = page.locator('#compare .compare-col');
    await expect.poll(() => columns.count()).toBe(2);
    expect((await columns.locator('h3').allTextContents()).sort()).toEqual(['variant small', 'variant wide']);
    const wide = columns.filter({ hasText: 'variant wide' });
    await wide.locator('button[data-rating="5"]').click();
    await expect.poll(() => wide.locator('.rating-status').textContent()).toBe('rated 5 · counted in the experiment');

    // The experiments view (admin) shows the rating in the variant's row.
    await page.click('#compare a[href^="/admin/experiments#"], p a[href^="/admin/experiments#"]');
    await page.locator('#variants-table').waitFor();
    const wideRow = page.locator('#variants-table tbody tr').filter({ hasText: 'wide' });
    await expect.poll(() => wideRow.locator('td:nth-child(8)').textContent(), { timeout: 15_000 }).toMatch(/^5\.00\s+n=1$/);
    expect(await page.locator('#variants-table tbody tr').filter({ hasText: 'small' }).locator('td:nth-child(8)').textContent()).toBe('–');
  });

  it('as a user key: sees its own generations and not another owner\'s, and no admin views', async () => {
    const key = await postJson(`${stack.baseUrl}/v1/api-keys`, { name: `console user ${tag}`, role: 'user', owner: `owner-${tag}` });
    expect(key.status).toBe(201);
    const own = await postJson(`${stack.baseUrl}/v1/generations`, { model: 'local/image', prompt: `mine 灯塔 ${tag}`, parameters: { width: 64, height: 64 } }, { authorization: `Bearer ${key.body.key as string}` });
    await waitForGeneration(stack.baseUrl, own.body.id as string);
    const user = await signIn(browser, stack, key.body.key as string);
    const { page } = user;
    expect(await page.locator('header.top .who').textContent()).toBe(`owner-${tag} · user`);
    expect(await page.locator('nav a').allTextContents()).toEqual(['Playground', 'Generations', 'Compare', 'Batches']);

    await page.goto(`${stack.baseUrl}/console#/generations?q=${encodeURIComponent('灯塔')}`);
    await page.locator('#gallery .gen-card').first().waitFor();
    const cards = await page.locator('#gallery .gen-card').all();
    expect(await Promise.all(cards.map((c) => c.getAttribute('data-id')))).toEqual([own.body.id]);

    // The admin's generation, opened by its address, is not there for this key.
    await page.goto(`${stack.baseUrl}/console#/generations/${imageId}`);
    await page.locator('#view .error').waitFor();
    expect(await page.locator('#view .error').textContent()).toContain(`no generation with id '${imageId}'`);
    expect(await page.locator('#timeline').count()).toBe(0);
    await page.goto(`${stack.baseUrl}/console#/operations`);
    expect(await page.locator('#view .error').textContent()).toContain('needs an admin API key');
    expect(user.errors.filter((e) => !e.includes('404') && !e.includes('403'))).toEqual([]);
    await user.context.close();
  });

  it('shows batches with their failed items and codes, and operations with providers, health and keys', async () => {
    const { page } = admin;
    const batch = await postJson(`${stack.baseUrl}/v1/batches`, {
      requests: [
        { model: 'local/image', prompt: `batch ok ${tag}`, parameters: { width: 64, height: 64 } },
        { model: 'local/image', prompt: `batch bad ${tag}`, parameters: { width: 64, height: 64, failWith: 'INVALID_PARAMETERS' } },
      ],
    });
    expect(batch.status).toBe(202);
    const batchId = batch.body.id as string;
    await page.goto(`${stack.baseUrl}/console#/batches`);
    await page.locator(`#batch-list a[href="#/batches/${batchId}"]`).click();
    await expect.poll(() => page.locator('#failed-items td .error-code').allTextContents(), { timeout: 30_000 }).toEqual(['INVALID_PARAMETERS']);
    await expect.poll(() => page.locator('h2 .badge').textContent(), { timeout: 15_000 }).toBe('partially_failed');

    await page.goto(`${stack.baseUrl}/console#/operations`);
    await page.locator('#providers tbody tr').first().waitFor();
    expect(await page.locator('#providers').textContent()).toContain('local');
    await page.locator('#health-components').waitFor();
    expect(await page.locator('#health-components').textContent()).toContain('database');
    await page.locator('#api-keys').waitFor();
    expect(await page.locator('#api-keys').textContent()).toContain(`owner-${tag}`);
    expect(admin.errors).toEqual([]);
  });

  it('fits a 390-pixel phone screen: no view scrolls sideways', async () => {
    const phone = await signIn(browser, stack, TEST_ADMIN_KEY, { width: 390, height: 844 });
    for (const view of ['#/playground', '#/generations', `#/generations/${imageId}`, '#/compare', '#/batches', '#/operations']) {
      await phone.page.goto(`${stack.baseUrl}/console${view}`);
      await phone.page.waitForLoadState('networkidle');
      const width = await phone.page.evaluate('document.documentElement.scrollWidth');
      expect({ view, width }).toEqual({ view, width: 390 });
    }
    await phone.context.close();
  });
});
