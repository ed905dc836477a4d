export { generationWorkflow, progressQuery } from './generation';
