export { createLocalTls, DEFAULT_TLS_HOSTS, CA_COMMON_NAME, type LocalTls, type LocalTlsOptions, type PemPair } from './local-ca.js';
export { writeLocalTls, enableTlsInConfig, tlsPaths, type TlsPaths } from './tls-files.js';
export { trustInstructions } from './trust-instructions.js';
