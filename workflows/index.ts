export { generationWorkflow, progressQuery } from './generation';
export { experimentWorkflow } from './experiment';
export { mediaRetentionWorkflow } from './media-retention';
export { batchWorkflow, batchProgressQuery } from './batch';
export { providerHealthWorkflow } from './provider-health';
