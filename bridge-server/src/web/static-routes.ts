import type { Router } from 'express';
import { browserBundle } from './panel-bundle.js';
import { panelPageHtml } from './page.js';
import type { WebDeps } from './web-deps.js';

/**
 * `GET /` → the panel page, `GET /panel.js` → the bundle. Public: the page must load before the
 * user has paired; everything it then asks for under /api needs the token.
 */
export function mountStaticRoutes(router: Router, deps: WebDeps): void {
  // Start bundling right away so the first page load does not wait for esbuild.
  const bundle = browserBundle();
  bundle.then(
    (b) => deps.log.info({ ms: b.buildMs, bytes: b.js.length }, 'browser panel bundled'),
    (err) => deps.log.error({ err }, 'browser panel bundle failed'),
  );
  const noStore = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
  router.get('/', (_req, res) => {
    res.set({ ...noStore, 'content-type': 'text/html; charset=utf-8' }).send(panelPageHtml());
  });
  router.get('/panel.js', async (_req, res) => {
    const b = await browserBundle();
    res.set({ ...noStore, 'content-type': 'text/javascript; charset=utf-8' }).send(b.js);
  });
}
