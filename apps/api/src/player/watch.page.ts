import { escapeHtml } from '../http/html-escape.js';

/** Where the page loads its scripts from; both are served by playerRoutes, never from a CDN. */
export interface WatchPageAssets {
  hlsScriptUrl: string;
  clientScriptUrl: string;
}

/**
 * The watch page: a video element, a status line with a progress bar while the job runs, and a
 * storyboard strip for scrubbing previews. It carries no token and no data beyond the file id;
 * everything else comes from the public status route (see WatchStatusService).
 */
export function renderWatchPage(fileId: string, assets: WatchPageAssets): string {
  const id = escapeHtml(fileId);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<title>Reelforge · ${id}</title>
<style>
  :root { color-scheme: dark; font-family: system-ui, sans-serif; }
  body { margin: 0; background: #111; color: #eee; display: flex; justify-content: center; }
  main { width: min(960px, 100vw); padding: 16px; box-sizing: border-box; }
  video { width: 100%; max-height: 70vh; background: #000; display: block; }
  #status { margin: 12px 0 4px; min-height: 1.4em; }
  progress { width: 100%; height: 6px; }
  #scrub { position: relative; height: 14px; margin-top: 8px; background: #333; border-radius: 7px; cursor: pointer; }
  #thumb { position: absolute; bottom: 20px; display: none; border: 1px solid #eee; background-repeat: no-repeat; pointer-events: none; }
</style>
</head>
<body>
<main id="player" data-file-id="${id}">
  <video id="video" controls playsinline crossorigin="anonymous" preload="metadata"></video>
  <p id="status" role="status" aria-live="polite">Loading…</p>
  <progress id="progress" max="100" value="0"></progress>
  <div id="scrub" hidden title="Hover for previews, click to seek"><div id="thumb"></div></div>
</main>
<script src="${escapeHtml(assets.hlsScriptUrl)}"></script>
<script src="${escapeHtml(assets.clientScriptUrl)}"></script>
</body>
</html>
`;
}
