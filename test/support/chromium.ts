import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { requireAll } from './require-all';

/** Debian's Chromium (scripts/setup-machine.sh installs it), driven by playwright-core. */
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
/** Whether a browser suite runs here: it needs Chromium, and under GENFLOW_REQUIRE_ALL=1 it runs (and fails) without it. */
export const browserSuiteRuns = hasChromium || requireAll();

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Headless Chromium for a suite; fails loudly when it is missing under GENFLOW_REQUIRE_ALL=1. */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (!hasChromium) throw new Error(`GENFLOW_REQUIRE_ALL=1 but ${CHROMIUM} is missing (scripts/setup-machine.sh installs it)`);
  return chromium.launch({ executablePath: CHROMIUM, args: [...ARGS, ...extraArgs] });
}
