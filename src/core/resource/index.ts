export * from './define.js';
export * from './types.js';
export * from './body.js';
export * from './view.js';
export * from './list.js';
