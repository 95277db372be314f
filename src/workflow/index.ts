export * from './stages.js';
export * from './transitions.js';
export * from './workflow.js';
export * from './diagram.js';
