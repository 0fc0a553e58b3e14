/** The browser page: two mount points and the bundle. No inline script (CSP-friendly). */
export function panelPageHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Synthetic Studio</title>
<link rel="icon" href="data:,">
<style>
html,body{margin:0;background:#1b1b1b;color:#e6e6e6}
.ss-page{max-width:760px;margin:0 auto;padding:8px}
.ss-page h1{font:600 15px system-ui,sans-serif;margin:6px 0 8px;color:#ddd}
</style>
</head>
<body>
<main class="ss-page">
<h1>Synthetic Studio</h1>
<div id="host"></div>
<div id="panel"></div>
</main>
<script src="/panel.js"></script>
</body>
</html>
`;
}
