export * from './common.js';
export * from './mask.js';
export * from './job-request.js';
export * from './job-record.js';
export * from './messages.js';
export * from './parse.js';
