import { renameSync, writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowBundleOptions, workflowsPath } from './workflow-bundle-options';

/** Child process of prepareWorkflowBundle: bundles the workflow code into argv[2], atomically. */
const out = process.argv[2];
if (!out) throw new Error('usage: bundle-workflows-main.ts <output path>');
const quiet = { log() {}, info() {}, warn() {}, debug() {}, trace() {}, error: console.error };
const { code } = await bundleWorkflowCode({ workflowsPath, ...workflowBundleOptions, logger: quiet });
writeFileSync(`${out}.${process.pid}.tmp`, code);
renameSync(`${out}.${process.pid}.tmp`, out);
