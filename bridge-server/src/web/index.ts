/**
 * The browser host and the panel's HTTP routes. The spine calls `mountWebRoutes(app, deps)`:
 *   GET  /                      the panel page (public)
 *   GET  /panel.js              the bundled panel + browser host (public; bundled by esbuild at start)
 *   GET  /api/probe?path=       probe of a clip                        (token)
 *   GET  /api/preview?path=&frame=&maxWidth=  JPEG of one source frame  (token)
 *   POST /api/masks/preview     rasterise mask shapes, optionally tracked over a few frames (token)
 *   GET  /api/files?dir=        browse folders on the bridge machine   (token)
 *   GET  /api/outputs/file?path=  a file from a known job's outputs    (token)
 */
import express, { type Express } from 'express';
import { mountFileRoutes } from './file-routes.js';
import { mountMaskRoutes } from './mask-routes.js';
import { mountMediaRoutes } from './media-routes.js';
import { mountOutputRoutes } from './output-routes.js';
import { mountStaticRoutes } from './static-routes.js';
import type { WebDeps } from './web-deps.js';

export type { WebDeps } from './web-deps.js';
export { buildBrowserBundle, browserBundle, BROWSER_ENTRY, type PanelBundle } from './panel-bundle.js';
export { listFolder, MEDIA_EXTENSIONS, type FileEntry, type FileListing } from './file-routes.js';
export { isJobOutputFile } from './output-routes.js';
export { renderMaskPreview, type MaskPreviewFrame, type MaskPreviewInput } from './mask-preview.js';
export { mountFileRoutes, mountMaskRoutes, mountMediaRoutes, mountOutputRoutes, mountStaticRoutes };

export function mountWebRoutes(app: Express, deps: WebDeps): void {
  const pages = express.Router();
  mountStaticRoutes(pages, deps);
  app.use('/', pages);

  const api = express.Router();
  api.use(deps.requireAuth);
  mountMediaRoutes(api, deps);
  mountMaskRoutes(api, deps);
  mountFileRoutes(api, deps);
  mountOutputRoutes(api, deps);
  app.use('/api', api);
}
