export { generationWorkflow, progressQuery, providerUpdateSignal } from './generation';
export { clientCallbackWorkflow } from './client-callback';
export { experimentWorkflow } from './experiment';
export { mediaRetentionWorkflow } from './media-retention';
export { batchWorkflow, batchProgressQuery } from './batch';
export { providerHealthWorkflow } from './provider-health';
