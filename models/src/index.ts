/**
 * @synthetic-studio/models — model manifests and the tiny structure-faithful ONNX fixture builder.
 */
export { buildFixtures, buildPipelineFolder, buildTaesdFolder, FIXTURE_NAMES, FIXTURE_SPECS, SD15_SCHEDULER_CONFIG } from './fixtures/build-fixtures.js';
export type { FixtureName, BuildFixturesOptions, PipelineSpec } from './fixtures/build-fixtures.js';
export { textEncoder, unet, vaeEncoder, vaeDecoder, taesdEncoder, taesdDecoder, FIXTURE_VAE_GAIN, SCALING_FACTOR } from './fixtures/models.js';
export { buildClipVocab, tokenizerFolderFiles, FIXTURE_CORPUS } from './fixtures/tokenizer-files.js';
export { bytesToUnicode } from './clip-bytes.js';
export { WeightRng } from './fixtures/rng.js';
export { GraphBuilder } from './onnx/graph-builder.js';
export type { SerializedModel, Dim } from './onnx/graph-builder.js';
export { encodeModel, decodeModel, DataType } from './onnx/proto.js';
export { loadManifests, parseManifest, findManifest, fileUrl, MANIFEST_DIR, MODEL_KINDS } from './manifest.js';
export type { ModelManifest, ManifestFile, ModelKindName } from './manifest.js';
export { ModelStore, manifestFromFolder, RECORD_FILE } from './store/model-store.js';
export type { InstalledRecord, InstalledModel, FileProblem, FolderValidator, PullOptions } from './store/model-store.js';
export { downloadFile } from './store/download.js';
export type { DownloadOptions, DownloadResult } from './store/download.js';
export { sha256File, listFiles } from './store/hash.js';
