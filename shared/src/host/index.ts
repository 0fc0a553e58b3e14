export * from './host-adapter.js';
