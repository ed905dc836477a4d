import { createHash, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { createApp } from '../api/app';
import { closeServer, listen } from '../api/server';
import { createAlertsRepo } from '../db/alerts-repo';
import { createBrowserSessionsRepo } from '../db/browser-sessions-repo';
import { createErrorLogsRepo } from '../db/error-logs-repo';
import { createExperimentsRepo } from '../db/experiments-repo';
import type { NewGeneration } from '../db/schema';
import { documentTokens } from '../domain/search-tokens';
import { createProviderGateway } from '../providers/provider-gateway';
import { BENCH_API_KEY, startBenchStack, type BenchStack } from './stack';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface ConsoleStack {
  baseUrl: string;
  bench: BenchStack;
  browser: Browser;
  stop(): Promise<void>;
}

/**
 * The bench stack (Temporal dev server, database, worker) with an API that has every part the
 * console shows switched on (browser sessions, experiments, providers, alerts), and headless
 * Chromium. Shared by the console bench and the screenshot script.
 */
export async function startConsoleStack(): Promise<ConsoleStack> {
  const bench = await startBenchStack();
  const db = bench.db.db;
  const app = createApp({
    ...bench.appDeps,
    experiments: createExperimentsRepo(db),
    providers: createProviderGateway({ dataDir: bench.home, env: process.env }),
    monitoring: { errorLogs: createErrorLogsRepo(db), alerts: createAlertsRepo(db) },
    browserSessions: createBrowserSessionsRepo(db),
  });
  const server: Server = await listen(app, 0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  return {
    baseUrl,
    bench,
    browser,
    async stop() {
      await browser.close();
      await closeServer(server);
      await bench.stop();
    },
  };
}

/** A page signed in through the console's form (the way a person signs in). */
export async function signedInPage(stack: ConsoleStack, viewport: { width: number; height: number }): Promise<Page> {
  const context = await stack.browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(`${stack.baseUrl}/console`);
  await page.fill('input[name=key]', BENCH_API_KEY);
  await page.click('form button');
  await page.locator('header.top .who').waitFor();
  return page;
}

const WORDS = ['lighthouse', 'harbour', 'forest', 'valley', 'city', 'desert', 'glacier', 'river', '灯塔', '山谷', '森林', '城市', '沙漠', '河流'];

/**
 * `n` finished generations written straight to the database (loading 10,000 through the
 * workflows would take the bench minutes), each with one stored PNG output, so the gallery,
 * search and thumbnails have real rows and bytes to read. Some failed, with their codes.
 */
export async function seedGenerations(stack: ConsoleStack, n: number): Promise<string[]> {
  const db = stack.bench.db.db;
  const storage = stack.bench.appDeps.storage;
  const png = await sharp({ create: { width: 512, height: 512, channels: 3, background: { r: 70, g: 110, b: 160 } } }).png().toBuffer();
  const key = 'seed/landscape.png';
  await storage.put(key, png, 'image/png');
  const sha = createHash('sha256').update(png).digest('hex');
  const ids: string[] = [];
  const start = Date.now() - n * 60_000;
  for (let i = 0; i < n; i += 1_000) {
    const rows: NewGeneration[] = [];
    const assets: Array<{ id: string; generation_id: string; index: number; storage_key: string; content_type: string; bytes: number; sha256: string; width: number; height: number }> = [];
    for (let j = i; j < Math.min(n, i + 1_000); j++) {
      const id = randomUUID();
      ids.push(id);
      const failed = j % 17 === 0;
      const prompt = `${WORDS[j % WORDS.length]} ${WORDS[(j * 7) % WORDS.length]} at dusk, study ${j}`;
      const at = new Date(start + j * 60_000);
      rows.push({
        id, workflow_id: `gen_${id}`, model: 'local/image', provider: 'local', kind: 'text-to-image', status: failed ? 'failed' : 'succeeded',
        prompt, search_tokens: documentTokens(prompt), parameters: JSON.stringify({ width: 512, height: 512 }), input_images: '[]', number_of_outputs: 1,
        provider_task_id: null, error_code: failed ? 'CONTENT_REJECTED' : null, error_message: failed ? 'local provider: injected failure' : null, error_details: null,
        idempotency_key: null, request_hash: '', started_at: at, completed_at: new Date(at.getTime() + 900), created_at: at,
        metadata: JSON.stringify({ project: `p${j % 5}` }),
      });
      if (!failed) assets.push({ id: randomUUID(), generation_id: id, index: 0, storage_key: key, content_type: 'image/png', bytes: png.length, sha256: sha, width: 512, height: 512 });
    }
    await db.insertInto('generations').values(rows).execute();
    if (assets.length) await db.insertInto('assets').values(assets).execute();
  }
  return ids;
}
