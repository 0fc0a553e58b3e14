/**
 * Panel CSS. Plain properties UXP understands: no transitions/animations (unsupported in UXP),
 * flex layouts that wrap so the panel works from ~260 px wide.
 */
export const PANEL_CSS = `
.ss-panel{font:12px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;color:#e6e6e6;background:#232323;padding:8px;min-width:240px;box-sizing:border-box}
.ss-panel *{box-sizing:border-box}
.ss-panel h2{font-size:12px;margin:10px 0 4px;color:#bbb;text-transform:uppercase;letter-spacing:.04em}
.ss-row{display:flex;gap:6px;align-items:center}
.ss-wrap{flex-wrap:wrap}
.ss-col{display:flex;flex-direction:column;gap:4px}
.ss-between{justify-content:space-between}
.ss-grow{flex:1}
.ss-field{display:flex;flex-direction:column;gap:2px;min-width:90px;flex:1}
.ss-field-fixed{flex:none}
.ss-seed{align-items:flex-end}
.ss-label{color:#aaa;font-size:11px}
.ss-hint{color:#888;font-size:11px}
.ss-inline{display:flex;gap:4px;align-items:center;color:#aaa}
.ss-muted{color:#999}
.ss-small{font-size:11px}
.ss-warn{color:#ffb454;margin:2px 0}
.ss-panel input,.ss-panel select,.ss-panel textarea{background:#1a1a1a;color:#eee;border:1px solid #444;border-radius:3px;padding:3px 5px;font:inherit;min-width:0}
.ss-panel textarea{width:100%;resize:vertical}
.ss-panel input[type=number]{width:90px}
.ss-panel input[data-key=seed]{width:118px}
.ss-panel input[type=range]{min-width:70px;flex:1}
.ss-panel button{background:#3a3a3a;color:#eee;border:1px solid #555;border-radius:3px;padding:3px 8px;font:inherit;cursor:pointer}
.ss-panel button:disabled{opacity:.45;cursor:default}
.ss-panel button[aria-pressed=true],.ss-panel button[aria-selected=true]{background:#2d5d9f;border-color:#4a82cc}
.ss-panel button:focus,.ss-panel input:focus,.ss-panel select:focus,.ss-panel textarea:focus,.ss-stage:focus,.ss-light-disc:focus{outline:2px solid #6aa5ff;outline-offset:1px}
.ss-panel .ss-primary{background:#2f7d46;border-color:#3f9a5a;font-weight:600}
.ss-panel .ss-link{background:none;border:none;color:#7fb2ff;padding:0 2px;text-decoration:underline}
.ss-panel code{background:#111;padding:1px 4px;border-radius:3px;color:#f0d77a}
.ss-conn{display:flex;gap:6px;align-items:center;flex-wrap:wrap;padding:6px;border-radius:4px;background:#2b2b2b}
.ss-pairing{flex-direction:column;align-items:stretch}
.ss-pairing input{flex:1}
.ss-offline{background:#3a2a1e}
.ss-dot{width:8px;height:8px;border-radius:50%;background:#c0392b;display:inline-block;flex:none}
.ss-dot.ss-ok{background:#3fb950}
.ss-dot.ss-busy{background:#d29922}
.ss-error{background:#4a1f1f;border:1px solid #8e3b3b;border-radius:4px;padding:6px;margin:6px 0}
.ss-detail{color:#caa;font-size:11px;margin-top:2px;word-break:break-word}
.ss-selection{margin:6px 0;overflow-wrap:anywhere}
.ss-tabs{display:flex;gap:2px;flex-wrap:wrap;border-bottom:1px solid #444;margin:6px 0}
.ss-panel .ss-tab{border-radius:3px 3px 0 0;border-bottom:none}
.ss-settings{display:flex;flex-direction:column;gap:6px}
.ss-toolbar{display:flex;flex-wrap:wrap;gap:4px;align-items:center;margin:6px 0}
.ss-stage{position:relative;width:100%;background:#111;border:1px solid #444;overflow:hidden;user-select:none;min-height:60px}
.ss-frame{display:block;width:100%;height:auto}
.ss-frame-empty{position:absolute;left:0;right:0;top:40%;text-align:center;color:#888}
.ss-overlay{position:absolute;left:0;top:0;right:0;bottom:0;opacity:.5;cursor:crosshair;touch-action:none}
.ss-shape{position:absolute;background:#ff3b30;pointer-events:none}
.ss-shape.ss-round{border-radius:50%}
.ss-shape.ss-erase{background-color:#000;background-repeat:no-repeat}
.ss-shape.ss-draft{background:#ffd60a}
.ss-shape.ss-draft.ss-erase{background:#333}
.ss-cursor{position:absolute;border:1px dashed #fff;border-radius:50%;pointer-events:none;display:none}
.ss-cursor.ss-visible{display:block}
.ss-scrub{display:flex;margin:4px 0}
.ss-frame-no{min-width:64px;text-align:right;color:#aaa}
.ss-track-strip{display:flex;gap:4px;flex-wrap:wrap}
.ss-track-frame{margin:0;text-align:center;font-size:10px;color:#aaa}
.ss-track-frame img{display:block;width:72px;height:auto;border:1px solid #444}
.ss-light-disc{position:relative;width:110px;height:110px;border-radius:50%;background:#1b1b1b;border:1px solid #555;flex:none;cursor:crosshair}
.ss-light-subject{position:absolute;left:47%;top:47%;width:6%;height:6%;border-radius:50%;background:#888}
.ss-light-camera{position:absolute;bottom:-2px;left:0;right:0;text-align:center;font-size:9px;color:#777}
.ss-light-dot{position:absolute;width:14px;height:14px;margin:-7px 0 0 -7px;border-radius:50%;background:#ffd27a;border:2px solid #fff}
.ss-panel .ss-chip{border-radius:10px;padding:2px 8px}
.ss-generate{margin:8px 0;align-items:flex-end}
.ss-queue{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:6px}
.ss-job{display:flex;gap:6px;background:#2b2b2b;border-radius:4px;padding:6px}
.ss-job-body{flex:1;min-width:0;display:flex;flex-direction:column;gap:3px}
.ss-thumb{width:64px;height:36px;object-fit:cover;background:#111;flex:none;border:1px solid #444}
.ss-bar{height:6px;background:#111;border-radius:3px;overflow:hidden}
.ss-bar-fill{height:100%;background:#3f9a5a}
.ss-failed .ss-bar-fill{background:#c0392b}
.ss-cancelled .ss-bar-fill{background:#777}
.ss-outputs{margin:0;padding-left:14px;word-break:break-all}
@media (max-width:320px){.ss-thumb{display:none}.ss-panel input[type=number]{width:70px}}
`;
