import { fileURLToPath } from 'node:url';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/**
 * With the SDK's reusable V8 context every cached workflow evaluates its own copy of the modules
 * it imports, unless they are preloaded into the shared context. genflow's workflow modules and
 * the domain modules they import keep no state at module scope (constants and functions only),
 * so they are loaded once for all workflows: the workflow thread's heap with 1,000 workflows
 * cached grew 18 MiB instead of 37 MiB (measured through the inspector; README, Performance).
 * Every bundle (worker, tests, bench) is built with these.
 */
export const workflowBundleOptions = { preloadModules: [workflowsPath] };
