import { MAX_MESSAGE_BYTES, PROTOCOL_VERSION, OutputFormatSchema, type Capabilities, type ModelInfo } from '@synthetic-studio/shared';
import type { BridgeConfig } from '../config/index.js';
import type { TaskRegistry } from '../tasks/registry.js';
import { onnxRuntimeInfo } from './runtime-info.js';

export const SERVER_NAME = 'synthetic-studio-bridge';
export const SERVER_VERSION = '0.1.0';

/** What this bridge offers: tasks and their engines, execution providers, models, limits. */
export function buildCapabilities(tasks: TaskRegistry, config: BridgeConfig, models: ModelInfo[]): Capabilities {
  return {
    server: { name: SERVER_NAME, version: SERVER_VERSION },
    protocol: PROTOCOL_VERSION,
    tasks: [...tasks.values()].map((t) => ({ name: t.name, engines: [...t.engines], label: t.label })),
    executionProviders: onnxRuntimeInfo().executionProviders,
    models,
    formats: [...OutputFormatSchema.options],
    limits: { maxPixels: config.maxPixels, maxMessageBytes: MAX_MESSAGE_BYTES },
  };
}
