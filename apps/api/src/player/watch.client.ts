/**
 * The watch page's browser script, served as /assets/watch.js (a separate file, so the page's CSP can
 * forbid inline scripts). Plain ES2020 for any current browser; kept as text here because the API is
 * bundled into one file and has no static asset directory.
 *
 * It polls the public status until the job is over. As soon as the status names a master playlist
 * (the job is playable while still encoding, or an earlier ladder is served) it plays it with hls.js
 * (natively on Safari) from the beginning: an EVENT playlist still growing is live to hls.js, which
 * would otherwise start at its live edge; hls.js reloads the playlist and plays on to its end. Once
 * completed, it turns storyboard.vtt (written last) into hover previews over a scrub strip.
 * `window.hls` and `window.reelforgePlayback` (levels loaded and switched to, errors) are there for
 * tests and for anyone debugging playback in the console.
 */
export const WATCH_CLIENT_SCRIPT = String.raw`(() => {
  'use strict';
  const root = document.getElementById('player');
  const video = document.getElementById('video');
  const statusLine = document.getElementById('status');
  const progress = document.getElementById('progress');
  const scrub = document.getElementById('scrub');
  const thumb = document.getElementById('thumb');
  const statusUrl = '/watch/' + encodeURIComponent(root.dataset.fileId) + '/status.json';
  const autoplay = new URLSearchParams(location.search).get('autoplay') === '1';
  const STAGES = { queued: 'Waiting for a worker', probing: 'Reading the file', encoding: 'Encoding', uploading: 'Publishing', finalizing: 'Finishing' };
  const playback = { levelsLoaded: [], levelSwitches: [], errors: [], startedWhile: null };
  window.reelforgePlayback = playback;
  let playing = null;
  let storyboardAdded = false;

  function show(text, percent) {
    statusLine.textContent = text;
    progress.hidden = percent === null;
    if (percent !== null) progress.value = percent;
  }

  async function poll() {
    let body;
    try {
      const res = await fetch(statusUrl, { cache: 'no-store', credentials: 'omit' });
      if (res.status === 404) return show('There is no video with this id.', null);
      if (!res.ok) throw new Error('HTTP ' + res.status);
      body = await res.json();
    } catch {
      show('Cannot reach the server; retrying…', null);
      setTimeout(poll, 3000);
      return;
    }
    if (body.hlsUrl && playing === null) play(body);
    if (body.status === 'completed' && playing !== null) {
      show('', null);
      if (body.posterUrl && !storyboardAdded) {
        storyboardAdded = true;
        addStoryboard(new URL('storyboard.vtt', playing).href);
      }
      return;
    }
    if (body.status === 'failed') return show(playing ? '' : 'This video could not be processed.', null);
    if (body.status === 'cancelled') return show(playing ? '' : 'Processing was cancelled.', null);
    if (body.status === 'uploaded') show('Uploaded, waiting for processing to start…', 0);
    else show((STAGES[body.stage] || 'Processing') + '… ' + Math.floor(body.progress) + ' %', body.progress);
    setTimeout(poll, 1000);
  }

  function play(body) {
    const masterUrl = new URL(body.hlsUrl, location.href).href;
    playing = masterUrl;
    playback.startedWhile = body.status;
    if (body.posterUrl) video.poster = body.posterUrl;
    // Browsers only autoplay muted video.
    if (autoplay) video.muted = true;
    const Hls = window.Hls;
    if (Hls && Hls.isSupported()) {
      // From the start even while the playlist still grows (hls.js would begin at the live edge).
      const hls = new Hls({ startPosition: 0 });
      window.hls = hls;
      hls.on(Hls.Events.LEVEL_LOADED, (_event, data) => {
        if (!playback.levelsLoaded.includes(data.level)) playback.levelsLoaded.push(data.level);
      });
      hls.on(Hls.Events.LEVEL_SWITCHED, (_event, data) => playback.levelSwitches.push(data.level));
      hls.on(Hls.Events.MANIFEST_PARSED, () => {
        if (autoplay) video.play().catch(() => undefined);
      });
      hls.on(Hls.Events.ERROR, (_event, data) => {
        const frag = data.frag ? ' (' + data.frag.type + ' fragment ' + data.frag.sn + ' of level ' + data.frag.level + ')' : '';
        playback.errors.push((data.fatal ? 'fatal ' : '') + data.details + frag);
        if (data.fatal) show('Playback failed (' + data.details + ').', null);
      });
      hls.loadSource(masterUrl);
      hls.attachMedia(video);
    } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
      video.src = masterUrl;
      if (autoplay) video.play().catch(() => undefined);
    } else {
      show('This browser cannot play HLS video.', null);
    }
  }

  function addStoryboard(vttUrl) {
    const element = document.createElement('track');
    element.kind = 'metadata';
    element.label = 'thumbnails';
    element.src = vttUrl;
    video.appendChild(element);
    const track = element.track;
    track.mode = 'hidden';
    element.addEventListener('load', () => { scrub.hidden = false; });
    const lastCueEnd = () => (track.cues && track.cues.length ? track.cues[track.cues.length - 1].endTime : 0);
    const timeAt = (event) => {
      const box = scrub.getBoundingClientRect();
      const fraction = Math.min(Math.max((event.clientX - box.left) / box.width, 0), 1);
      return { fraction, seconds: fraction * (Number.isFinite(video.duration) ? video.duration : lastCueEnd()) };
    };
    scrub.addEventListener('mousemove', (event) => {
      const { fraction, seconds } = timeAt(event);
      const cue = Array.from(track.cues || []).find((c) => seconds >= c.startTime && seconds < c.endTime);
      const match = cue && /^(.*)#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(cue.text.trim());
      if (!match) {
        thumb.style.display = 'none';
        return;
      }
      const [, sprite, x, y, w, h] = match;
      thumb.style.display = 'block';
      thumb.style.width = w + 'px';
      thumb.style.height = h + 'px';
      thumb.style.backgroundImage = 'url("' + new URL(sprite, vttUrl).href + '")';
      thumb.style.backgroundPosition = '-' + x + 'px -' + y + 'px';
      thumb.style.left = Math.min(Math.max(fraction * scrub.clientWidth - w / 2, 0), scrub.clientWidth - w) + 'px';
    });
    scrub.addEventListener('mouseleave', () => { thumb.style.display = 'none'; });
    scrub.addEventListener('click', (event) => { video.currentTime = timeAt(event).seconds; });
  }

  poll();
})();
`;
