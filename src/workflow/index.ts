export * from './stages.js';
export * from './transitions.js';
export * from './workflow.js';
export * from './diagram.js';
export * from './parties.js';
export * from './calendar.js';
export * from './entry-into-force.js';
export * from './binding.js';
