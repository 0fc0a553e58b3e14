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
  // Scripts only from the bridge, no framing (the pairing form must not be clickjacked); inline
  // styles are allowed because the panel positions mask strokes with style attributes.
  const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; media-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
  router.get('/', (_req, res) => {
    res.set({ ...noStore, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp, 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' }).send(panelPageHtml());
  });
  router.get('/panel.js', async (_req, res) => {
    const b = await browserBundle();
    res.set({ ...noStore, 'content-type': 'text/javascript; charset=utf-8' }).send(b.js);
  });
}
