export { generationWorkflow, progressQuery } from './generation';
export { batchWorkflow, batchProgressQuery } from './batch';
