export { generationWorkflow, progressQuery } from './generation';
export { experimentWorkflow } from './experiment';
