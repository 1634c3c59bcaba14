import { writeFile } from 'node:fs/promises';
import { launchChromium } from './browser.js';

export interface BrowserRecording {
  /** The file MediaRecorder wrote, as the page would upload it. */
  file: string;
  /** What MediaRecorder says it wrote, e.g. `video/webm;codecs=vp9,opus`. */
  mimeType: string;
}

/** The browser globals the recording callback reads (the repository compiles without the DOM lib). */
interface RecorderGlobals {
  document: { createElement(tag: 'canvas'): RecorderCanvas };
  AudioContext: new () => { createOscillator(): { connect(d: unknown): void; start(): void; stop(): void }; createMediaStreamDestination(): { stream: RecorderStream }; resume(): Promise<void>; close(): Promise<void> };
  MediaRecorder: new (stream: RecorderStream, options: { mimeType: string }) => {
    mimeType: string;
    ondataavailable: (event: { data: Blob }) => void;
    onstart: () => void;
    onstop: () => void;
    start(timesliceMs: number): void;
    stop(): void;
  };
}
interface RecorderStream {
  getAudioTracks(): unknown[];
  addTrack(track: unknown): void;
}
interface RecorderCanvas {
  width: number;
  height: number;
  captureStream(fps: number): RecorderStream;
  getContext(kind: '2d'): { fillStyle: string; font: string; fillRect(x: number, y: number, w: number, h: number): void; fillText(t: string, x: number, y: number): void };
}

/**
 * Records a canvas animation and a WebAudio tone with MediaRecorder in headless Chromium, the way a
 * web app records a camera or a screen, and writes what the recorder produced to `file`. The
 * recorder hands out data every 500 ms (`start(500)`), as apps that upload while recording do.
 */
export async function recordInChromium(chromium: string, options: { file: string; mimeType: string; durationMs: number }): Promise<BrowserRecording> {
  const browser = await launchChromium(chromium);
  try {
    const page = await browser.context.newPage();
    const result = await page.evaluate(
      async ({ mimeType, durationMs }) => {
        const w = globalThis as unknown as RecorderGlobals;
        const canvas = w.document.createElement('canvas');
        canvas.width = 320;
        canvas.height = 240;
        const draw = canvas.getContext('2d');
        const stream = canvas.captureStream(30);
        const audio = new w.AudioContext();
        await audio.resume();
        const tone = audio.createOscillator();
        const sink = audio.createMediaStreamDestination();
        tone.connect(sink);
        tone.start();
        for (const track of sink.stream.getAudioTracks()) stream.addTrack(track);
        let frame = 0;
        const painter = setInterval(() => {
          draw.fillStyle = `hsl(${(frame * 12) % 360}, 80%, 50%)`;
          draw.fillRect(0, 0, 320, 240);
          draw.fillStyle = '#fff';
          draw.font = '48px sans-serif';
          draw.fillText(String(frame), 20, 130);
          frame += 1;
        }, 33);
        const recorder = new w.MediaRecorder(stream, { mimeType });
        const parts: Blob[] = [];
        recorder.ondataavailable = (event) => parts.push(event.data);
        const started = new Promise<void>((resolve) => (recorder.onstart = () => resolve()));
        const stopped = new Promise<void>((resolve) => (recorder.onstop = () => resolve()));
        recorder.start(500);
        await started;
        await new Promise((resolve) => setTimeout(resolve, durationMs));
        recorder.stop();
        await stopped;
        clearInterval(painter);
        tone.stop();
        await audio.close();
        const bytes = new Uint8Array(await new Blob(parts).arrayBuffer());
        let binary = '';
        for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return { base64: btoa(binary), mimeType: recorder.mimeType };
      },
      { mimeType: options.mimeType, durationMs: options.durationMs },
    );
    await writeFile(options.file, Buffer.from(result.base64, 'base64'));
    return { file: options.file, mimeType: result.mimeType };
  } finally {
    await browser.close();
  }
}
