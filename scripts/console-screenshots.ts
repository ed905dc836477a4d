import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { signedInPage, startConsoleStack, type ConsoleStack } from '../bench/console-stack';
import { benchHeaders, submit } from '../bench/stack';

/**
 * `npm run console:screenshots`: starts a throwaway genflow (embedded Temporal dev server,
 * PGlite, the local provider), makes a few real generations, a batch and an experiment, and
 * screenshots every console view at 1280×800 and on a 390-pixel phone into docs/console/
 * (the README shows them). Needs the `temporal` CLI and Chromium (CHROMIUM_PATH, default
 * /usr/bin/chromium), as the tests do.
 */
const OUT = 'docs/console';

async function post(stack: ConsoleStack, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${stack.baseUrl}${path}`, { method: 'POST', headers: benchHeaders, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

async function finished(stack: ConsoleStack, id: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const g = (await (await fetch(`${stack.baseUrl}/v1/generations/${id}`, { headers: benchHeaders })).json()) as { status: string };
    if (!['queued', 'running'].includes(g.status)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function seed(stack: ConsoleStack) {
  const prompts = ['灯塔 on a cliff at dusk', 'a quiet harbour at dawn', '山谷里的小村庄', 'glacier under the northern lights', 'desert dunes at noon', '森林中的河流', 'a city skyline in fog', 'terraced rice fields'];
  const images: string[] = [];
  for (const [i, prompt] of prompts.entries()) images.push(await submit(stack.baseUrl, { model: 'local/image', prompt, parameters: { width: 512, height: 384, seed: i }, metadata: { project: 'demo', shot: String(i + 1) } }));
  const others = [
    await submit(stack.baseUrl, { model: 'local/video', prompt: 'waves rolling onto a beach', parameters: { durationSeconds: 1, width: 256, height: 192 } }),
    await submit(stack.baseUrl, { model: 'local/speech', prompt: 'Welcome to genflow.' }),
    await submit(stack.baseUrl, { model: 'local/image', prompt: 'a picture the provider refuses', parameters: { failWith: 'CONTENT_REJECTED' } }),
  ];
  for (const id of [...images, ...others]) await finished(stack, id);
  const batch = await post(stack, '/v1/batches', {
    requests: [
      ...['one', 'two', 'three', 'four'].map((n) => ({ model: 'local/image', prompt: `storyboard frame ${n}`, parameters: { width: 128, height: 96 } })),
      { model: 'local/image', prompt: 'storyboard frame five', parameters: { width: 128, height: 96, failWith: 'INVALID_PARAMETERS' } },
    ],
  });
  await new Promise((r) => setTimeout(r, 3000));
  return { images, batchId: batch.id as string };
}

/** A palette PNG: UI screenshots have few colours, so this keeps each one to a few dozen KB. */
async function shoot(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await new Promise((r) => setTimeout(r, 300));
  const png = await page.screenshot();
  const small = await sharp(png).png({ palette: true, colors: 96, effort: 10, compressionLevel: 9 }).toBuffer();
  writeFileSync(join(OUT, `${name}.png`), small);
  process.stdout.write(`  ${OUT}/${name}.png  ${Math.round(small.length / 1024)} KB\n`);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const stack = await startConsoleStack();
  try {
    const { images, batchId } = await seed(stack);
    for (const [suffix, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]] as const) {
      const page = await signedInPage(stack, viewport);
      const open = async (path: string, ready: string) => {
        await page.goto(`${stack.baseUrl}${path}`);
        await page.locator(ready).first().waitFor({ timeout: 30_000 });
      };
      await open('/console#/playground?model=local/image', '#param-width');
      await page.fill('#prompt', 'a lighthouse on a cliff at dusk');
      await page.selectOption('#param-format', 'webp');
      await page.click('#submit');
      await page.locator('#result img.output').waitFor({ timeout: 30_000 });
      if (suffix === 'phone') await page.locator('#result').scrollIntoViewIfNeeded();
      await shoot(page, `playground-${suffix}`);
      await open('/console#/generations', '#gallery img.thumb');
      await shoot(page, `generations-${suffix}`);
      await open(`/console#/generations/${images[0]!}`, '#timeline');
      await shoot(page, `detail-${suffix}`);
      await open(`/console#/compare?ids=${images.slice(1, 4).join(',')}`, '#compare .compare-col');
      await shoot(page, `compare-${suffix}`);
      await open(`/console#/batches/${batchId}`, '#failed-items');
      await shoot(page, `batches-${suffix}`);
      await open('/admin/experiments', '#list');
      await shoot(page, `experiments-${suffix}`);
      await open('/console#/operations', '#providers tbody tr');
      await shoot(page, `operations-${suffix}`);
      await page.context().close();
    }
  } finally {
    await stack.stop();
  }
}

await main();
process.exit(0);
