export * from './alert.js';
export * from './create.js';
export * from './engine.js';
export * from './errors.js';
export * from './failures.js';
export * from './ports.js';
export * from './select.js';
