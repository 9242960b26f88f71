export * from './naming.js';
export * from './retention.js';
export * from './selection.js';
export * from './tags.js';
