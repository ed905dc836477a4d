import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';

/**
 * Every cached workflow evaluates its own copy of the modules the workflow code imports (the
 * SDK shares only its own): a library pulled in through a domain module is paid for once per
 * workflow in flight. zod in the bundle cost ~1 MiB and noticeable CPU per workflow (README,
 * Performance), so the bundle holds the SDK and nothing else from node_modules.
 */
describe('the workflow bundle', () => {
  it('holds no package besides the Temporal SDK and its own dependencies', () => {
    const code = readFileSync(inject('workflowBundlePath'), 'utf8');
    const packages = new Set([...code.matchAll(/"\.\/node_modules\/((?:@[^/"]+\/)?[^/"]+)\//g)].map((m) => m[1]));
    expect([...packages].sort()).toEqual(['@temporalio/common', '@temporalio/workflow', 'long', 'ms', 'nexus-rpc']);
  });
});
