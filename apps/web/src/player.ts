import type HlsType from 'hls.js';
import type { JobItem } from './job.item.js';
import { problemFrom } from './problem.js';
import { parseStoryboardCue, secondsAt } from './storyboard.js';

declare global {
  interface Window {
    /** hls.js, loaded by its own script tag from /assets (shared with /watch). */
    Hls?: typeof HlsType;
    /** The running hls.js instance, for tests and for debugging in the console. */
    hls?: HlsType;
  }
}

export interface PlayerElements {
  box: HTMLElement;
  title: HTMLElement;
  video: HTMLVideoElement;
  scrub: HTMLElement;
  thumb: HTMLElement;
  quality: HTMLSelectElement;
  copy: HTMLButtonElement;
  url: HTMLElement;
}

/**
 * Plays a job's HLS output: hls.js (natively on Safari), the poster, a quality menu from the master
 * playlist's levels, storyboard previews on a seek bar once the job is complete, and the HLS URL to copy.
 */
export class Player {
  private hls: HlsType | null = null;
  private track: HTMLTrackElement | null = null;
  private vttUrl = '';
  private masterUrl = '';

  constructor(private readonly el: PlayerElements) {
    el.quality.addEventListener('change', () => {
      if (this.hls) this.hls.currentLevel = Number(el.quality.value);
    });
    el.copy.addEventListener('click', () => {
      void navigator.clipboard.writeText(this.masterUrl).then(
        () => (el.copy.textContent = 'Copied'),
        () => (el.copy.textContent = 'Copy failed: select the URL'),
      );
    });
    el.scrub.addEventListener('mousemove', (event) => this.preview(event));
    el.scrub.addEventListener('mouseleave', () => (el.thumb.style.display = 'none'));
    el.scrub.addEventListener('click', (event) => {
      el.video.currentTime = secondsAt(this.fractionAt(event), el.video.duration);
    });
  }

  /**
   * Plays what the public player would: its status route names the output as this browser reaches it
   * (root-relative for local storage, so it works on whatever host the page was opened on).
   */
  async show(job: JobItem): Promise<void> {
    const res = await fetch(`/watch/${encodeURIComponent(job.fileId)}/status.json`, { cache: 'no-store', credentials: 'omit' });
    if (!res.ok) throw problemFrom(res.status, await res.text());
    const watch = (await res.json()) as { status: string; hlsUrl: string | null; posterUrl: string | null };
    if (!watch.hlsUrl) throw new Error('This video has nothing to play yet.');
    this.stop();
    const { el } = this;
    this.masterUrl = new URL(watch.hlsUrl, location.href).href;
    el.box.hidden = false;
    el.title.textContent = job.fileId;
    el.url.textContent = this.masterUrl;
    el.copy.textContent = 'Copy HLS URL';
    if (watch.posterUrl) el.video.poster = watch.posterUrl;
    el.quality.replaceChildren(new Option('Auto', '-1'));
    const Hls = window.Hls;
    if (Hls && Hls.isSupported()) {
      const hls = new Hls({ startPosition: 0 });
      this.hls = hls;
      window.hls = hls;
      hls.on(Hls.Events.MANIFEST_PARSED, (_event, data) => {
        // Tallest first, as menus list qualities; the value is hls.js's level index.
        data.levels
          .map((level, index) => ({ height: level.height, index }))
          .sort((a, b) => b.height - a.height)
          .forEach(({ height, index }) => el.quality.add(new Option(`${height}p`, String(index))));
      });
      hls.loadSource(this.masterUrl);
      hls.attachMedia(el.video);
    } else if (el.video.canPlayType('application/vnd.apple.mpegurl')) {
      el.video.src = this.masterUrl;
    }
    // storyboard.vtt is written last: it exists once the job is complete.
    if (watch.status === 'completed' && watch.posterUrl) this.addStoryboard(new URL('storyboard.vtt', this.masterUrl).href);
    el.box.scrollIntoView({ block: 'nearest' });
  }

  stop(): void {
    this.hls?.destroy();
    this.hls = null;
    this.track?.remove();
    this.track = null;
    this.el.scrub.hidden = true;
    this.el.video.removeAttribute('src');
    this.el.video.removeAttribute('poster');
  }

  private addStoryboard(vttUrl: string): void {
    const track = document.createElement('track');
    track.kind = 'metadata';
    track.label = 'thumbnails';
    track.src = vttUrl;
    this.el.video.appendChild(track);
    track.track.mode = 'hidden';
    track.addEventListener('load', () => (this.el.scrub.hidden = false));
    this.track = track;
    this.vttUrl = vttUrl;
  }

  private fractionAt(event: MouseEvent): number {
    const box = this.el.scrub.getBoundingClientRect();
    return (event.clientX - box.left) / box.width;
  }

  private preview(event: MouseEvent): void {
    const { thumb, scrub, video } = this.el;
    const cues = Array.from(this.track?.track.cues ?? []) as VTTCue[];
    const duration = Number.isFinite(video.duration) ? video.duration : (cues.at(-1)?.endTime ?? 0);
    const fraction = this.fractionAt(event);
    const seconds = secondsAt(fraction, duration);
    const cue = cues.find((c) => seconds >= c.startTime && seconds < c.endTime);
    const tile = cue ? parseStoryboardCue(cue.text) : null;
    if (!tile) {
      thumb.style.display = 'none';
      return;
    }
    thumb.style.display = 'block';
    thumb.style.width = `${tile.w}px`;
    thumb.style.height = `${tile.h}px`;
    thumb.style.backgroundImage = `url("${new URL(tile.sprite, this.vttUrl).href}")`;
    thumb.style.backgroundPosition = `-${tile.x}px -${tile.y}px`;
    const left = Math.min(Math.max(Math.min(Math.max(fraction, 0), 1) * scrub.clientWidth - tile.w / 2, 0), scrub.clientWidth - tile.w);
    thumb.style.left = `${left}px`;
  }
}
