/** Container types MediaRecorder is asked for, best first (Chromium and Firefox: WebM; Safari: MP4). */
const TYPES = ['video/webm;codecs=vp9,opus', 'video/webm;codecs=vp8,opus', 'video/webm', 'video/mp4'];

/**
 * Records the camera or the screen with MediaRecorder; `stop()` hands back a File that the page
 * uploads like a picked one. The live picture is shown in `preview` meanwhile.
 */
export class Recorder {
  private recorder: MediaRecorder | null = null;
  private stream: MediaStream | null = null;
  private chunks: Blob[] = [];

  constructor(private readonly preview: HTMLVideoElement) {}

  get recording(): boolean {
    return this.recorder !== null;
  }

  async start(source: 'camera' | 'screen'): Promise<void> {
    const stream =
      source === 'camera'
        ? await navigator.mediaDevices.getUserMedia({ video: true, audio: true })
        : await navigator.mediaDevices.getDisplayMedia({ video: true, audio: true });
    const mimeType = TYPES.find((type) => MediaRecorder.isTypeSupported(type));
    this.recorder = new MediaRecorder(stream, mimeType ? { mimeType } : {});
    this.chunks = [];
    this.recorder.addEventListener('dataavailable', (event) => this.chunks.push(event.data));
    this.stream = stream;
    this.preview.srcObject = stream;
    this.preview.hidden = false;
    void this.preview.play().catch(() => undefined);
    this.recorder.start(1000);
  }

  /** Resolves with the recording once MediaRecorder has flushed its last chunk. */
  stop(): Promise<File> {
    const recorder = this.recorder;
    if (!recorder) return Promise.reject(new Error('not recording'));
    return new Promise((resolve) => {
      recorder.addEventListener('stop', () => {
        const type = recorder.mimeType.split(';')[0] || 'video/webm';
        const extension = type === 'video/mp4' ? 'mp4' : 'webm';
        this.stream?.getTracks().forEach((track) => track.stop());
        this.preview.srcObject = null;
        this.preview.hidden = true;
        this.recorder = null;
        this.stream = null;
        resolve(new File(this.chunks, `recording-${new Date().toISOString().replace(/[:.]/g, '-')}.${extension}`, { type }));
      });
      recorder.stop();
    });
  }
}
