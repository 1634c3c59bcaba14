import { escapeHtml } from '../http/html-escape.js';

/** Where the page loads its scripts from; both are served by this API, never from a CDN. */
export interface WebAppPageAssets {
  hlsScriptUrl: string;
  appScriptUrl: string;
}

/**
 * The web app's one page: the sign-in form, and (once signed in) uploads, recording, the live job list
 * and a player. It holds no data and no credential; apps/web/src/main.ts fills it in.
 */
export function renderWebAppPage(assets: WebAppPageAssets): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<title>Reelforge</title>
<style>
  :root { color-scheme: dark; font-family: system-ui, sans-serif; --line: #333; --muted: #999; --accent: #4c8dff; --bad: #ff6b6b; }
  body { margin: 0; background: #111; color: #eee; }
  header { display: flex; align-items: center; justify-content: space-between; padding: 10px 16px; border-bottom: 1px solid var(--line); }
  header h1 { font-size: 18px; margin: 0; }
  main { max-width: 1100px; margin: 0 auto; padding: 16px; box-sizing: border-box; }
  section { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin-bottom: 16px; }
  h2 { font-size: 15px; margin: 0 0 10px; }
  button { background: #2a2a2a; color: #eee; border: 1px solid #555; border-radius: 5px; padding: 5px 12px; cursor: pointer; }
  button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
  button:disabled { opacity: .5; cursor: default; }
  input[type=text], input[type=password], input[type=url], input[type=number] { background: #1c1c1c; color: #eee; border: 1px solid #555; border-radius: 5px; padding: 5px 8px; }
  .row { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin: 6px 0; }
  .muted { color: var(--muted); font-size: 13px; }
  .error { color: var(--bad); min-height: 1.2em; margin: 6px 0; }
  #drop { border: 2px dashed #555; border-radius: 8px; padding: 22px; text-align: center; color: var(--muted); }
  #drop.over { border-color: var(--accent); color: #eee; }
  progress { width: 100%; height: 8px; }
  .rung { margin-right: 6px; }
  table { width: 100%; border-collapse: collapse; font-size: 14px; }
  th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: middle; }
  td.progress { width: 28%; }
  td.actions { white-space: nowrap; }
  td.actions > * { margin-right: 8px; }
  .status-completed { color: #6bd36b; } .status-failed { color: var(--bad); } .status-cancelled { color: var(--muted); }
  #player-box video { width: 100%; max-height: 60vh; background: #000; display: block; }
  #scrub { position: relative; height: 14px; margin-top: 8px; background: #333; border-radius: 7px; cursor: pointer; }
  #thumb { position: absolute; bottom: 20px; display: none; border: 1px solid #eee; background-repeat: no-repeat; pointer-events: none; }
  #preview { max-width: 320px; background: #000; display: block; margin-top: 8px; }
  [hidden] { display: none !important; }
</style>
</head>
<body>
<header><h1>Reelforge</h1><div class="row"><span id="who" class="muted"></span><button id="sign-out" hidden>Sign out</button></div></header>
<main>
  <section id="sign-in">
    <h2>Sign in</h2>
    <form id="sign-in-form" class="row">
      <input id="key" type="password" autocomplete="off" placeholder="API key or token" size="48" required>
      <button class="primary" type="submit">Sign in</button>
    </form>
    <p class="muted">The key stays in this tab (sessionStorage) until you sign out or close it.</p>
    <p id="sign-in-error" class="error" role="alert"></p>
  </section>
  <div id="signed-in" hidden>
    <section id="upload">
      <h2>Upload</h2>
      <div id="drop">Drop a video here, or <label><input id="file" type="file" accept="video/*,audio/*"></label></div>
      <fieldset class="row" id="options">
        <legend class="muted">Transcoding options</legend>
        <div class="row">Rungs: <span id="rungs"></span></div>
        <div class="row">
          <label>Segment length <input id="segment" type="number" min="1" max="20" placeholder="default" size="6"> s</label>
          <label>Priority <input id="priority" type="number" min="1" max="1000" placeholder="default" size="6"></label>
          <label>Webhook URL <input id="webhook" type="url" placeholder="https://…" size="32"></label>
        </div>
      </fieldset>
      <div class="row">
        <button id="record-camera">Record camera</button>
        <button id="record-screen">Record screen</button>
        <button id="record-stop" hidden>Stop recording</button>
      </div>
      <video id="preview" muted playsinline hidden></video>
      <div id="upload-state" hidden>
        <div class="row"><span id="upload-name"></span><span id="upload-text" class="muted"></span></div>
        <progress id="upload-progress" max="100" value="0"></progress>
        <div class="row"><button id="pause">Pause</button><button id="resume" hidden>Resume</button></div>
      </div>
      <p id="upload-error" class="error" role="alert"></p>
    </section>
    <section id="jobs">
      <h2>Jobs <span id="live" class="muted"></span></h2>
      <table><thead><tr><th>File</th><th>Status</th><th>Progress</th><th></th></tr></thead><tbody id="job-rows"></tbody></table>
      <p id="jobs-empty" class="muted">No jobs yet.</p>
      <p id="jobs-error" class="error" role="alert"></p>
    </section>
    <section id="player-box" hidden>
      <h2>Player <span id="player-title" class="muted"></span></h2>
      <video id="video" controls playsinline crossorigin="anonymous" preload="metadata"></video>
      <div id="scrub" hidden title="Hover for previews, click to seek"><div id="thumb"></div></div>
      <div class="row">
        <label>Quality <select id="quality"><option value="-1">Auto</option></select></label>
        <button id="copy-hls">Copy HLS URL</button>
        <span id="hls-url" class="muted"></span>
      </div>
    </section>
  </div>
</main>
<script src="${escapeHtml(assets.hlsScriptUrl)}"></script>
<script src="${escapeHtml(assets.appScriptUrl)}"></script>
</body>
</html>
`;
}
