export { createFileLogger, logFilePath, type Logger } from './logger.js';
