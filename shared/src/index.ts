export * from './errors.js';
export * from './frame.js';
export * from './protocol/index.js';
export * from './host/index.js';
export * from './timecode/index.js';
