/** Frame addressing: source frame index ↔ SMPTE timecode ↔ rational seconds ↔ Premiere ticks ↔ Resolve record frames. */
export * from './rates.js';
export * from './timecode.js';
export * from './conversions.js';
