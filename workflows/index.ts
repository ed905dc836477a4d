export { generationWorkflow, progressQuery } from './generation';
export { mediaRetentionWorkflow } from './media-retention';
