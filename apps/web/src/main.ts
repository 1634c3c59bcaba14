import { ApiClient } from './api.client.js';
import { byId, element, videoHeightOf } from './dom.js';
import { isTerminal, type JobItem } from './job.item.js';
import { EMPTY_JOBS, jobsReducer, rowProgress, type JobsAction, type JobsState } from './jobs.reducer.js';
import { LiveFeed } from './live.feed.js';
import { Player } from './player.js';
import { ApiProblem } from './problem.js';
import { Recorder } from './recorder.js';
import { session } from './session.js';
import { rungChoices, transcodeRequestBody } from './transcode.options.js';
import { ResumableUpload } from './uploader.js';

const ui = {
  signIn: byId('sign-in'),
  signInForm: byId<HTMLFormElement>('sign-in-form'),
  keyInput: byId<HTMLInputElement>('key'),
  signInError: byId('sign-in-error'),
  signedIn: byId('signed-in'),
  signOut: byId<HTMLButtonElement>('sign-out'),
  who: byId('who'),
  drop: byId('drop'),
  file: byId<HTMLInputElement>('file'),
  rungs: byId('rungs'),
  segment: byId<HTMLInputElement>('segment'),
  priority: byId<HTMLInputElement>('priority'),
  webhook: byId<HTMLInputElement>('webhook'),
  recordCamera: byId<HTMLButtonElement>('record-camera'),
  recordScreen: byId<HTMLButtonElement>('record-screen'),
  recordStop: byId<HTMLButtonElement>('record-stop'),
  uploadState: byId('upload-state'),
  uploadName: byId('upload-name'),
  uploadText: byId('upload-text'),
  uploadProgress: byId<HTMLProgressElement>('upload-progress'),
  pause: byId<HTMLButtonElement>('pause'),
  resume: byId<HTMLButtonElement>('resume'),
  uploadError: byId('upload-error'),
  rows: byId('job-rows'),
  empty: byId('jobs-empty'),
  live: byId('live'),
  jobsError: byId('jobs-error'),
};

const player = new Player({
  box: byId('player-box'),
  title: byId('player-title'),
  video: byId<HTMLVideoElement>('video'),
  scrub: byId('scrub'),
  thumb: byId('thumb'),
  quality: byId<HTMLSelectElement>('quality'),
  copy: byId<HTMLButtonElement>('copy-hls'),
  url: byId('hls-url'),
});
const recorder = new Recorder(byId<HTMLVideoElement>('preview'));

let api: ApiClient | null = null;
let feed: LiveFeed | null = null;
let jobs: JobsState = EMPTY_JOBS;
let upload: ResumableUpload | null = null;

const messageOf = (err: unknown): string => (err instanceof ApiProblem || err instanceof Error ? err.message : String(err));
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function dispatch(action: JobsAction): void {
  jobs = jobsReducer(jobs, action);
  renderJobs();
}

async function reloadJobs(): Promise<void> {
  if (!api) return;
  try {
    dispatch({ type: 'loaded', items: await api.listJobs() });
    ui.jobsError.textContent = '';
  } catch (err) {
    ui.jobsError.textContent = messageOf(err);
  }
}

async function control(action: 'cancel' | 'retry', job: JobItem): Promise<void> {
  if (!api) return;
  try {
    await api[action](job.fileId);
    ui.jobsError.textContent = '';
  } catch (err) {
    ui.jobsError.textContent = messageOf(err);
  }
}

async function play(job: JobItem): Promise<void> {
  try {
    await player.show(job);
    ui.jobsError.textContent = '';
  } catch (err) {
    ui.jobsError.textContent = messageOf(err);
  }
}

function renderJobs(): void {
  ui.empty.hidden = jobs.items.length > 0;
  ui.rows.replaceChildren(
    ...jobs.items.map((job) => {
      const { percent, stage, etaSeconds } = rowProgress(jobs, job);
      const actions = element('td', { className: 'actions' });
      if (job.playable) actions.append(element('button', { className: 'play', onclick: () => void play(job) }, 'Play'));
      if (!isTerminal(job.status)) actions.append(element('button', { className: 'cancel', onclick: () => void control('cancel', job) }, 'Cancel'));
      if (job.status === 'failed' || job.status === 'cancelled') actions.append(element('button', { className: 'retry', onclick: () => void control('retry', job) }, 'Retry'));
      actions.append(element('a', { href: `/watch/${encodeURIComponent(job.fileId)}`, target: '_blank', rel: 'noopener' }, 'Watch page'));
      const detail = job.error ? job.error.message : job.status === 'cancelled' ? '' : [stage, etaSeconds !== null ? `${Math.ceil(etaSeconds)} s left` : ''].filter(Boolean).join(' · ');
      const row = element(
        'tr',
        {},
        element('td', { title: job.jobId }, job.fileId),
        element('td', { className: `status status-${job.status}` }, job.status),
        element('td', { className: 'progress' }, element('progress', { max: 100, value: percent }), element('span', { className: 'muted' }, ` ${Math.floor(percent)} % ${detail}`)),
        actions,
      );
      row.dataset.fileId = job.fileId;
      row.dataset.status = job.status;
      return row;
    }),
  );
}

/** Offers the rungs the source can feed; a rung the user already ticked or unticked keeps that choice. */
function renderRungs(sourceHeight: number | null): void {
  const chosen = new Map([...ui.rungs.querySelectorAll<HTMLInputElement>('input[name=rung]')].map((input) => [Number(input.value), input.checked]));
  ui.rungs.replaceChildren(
    ...rungChoices(sourceHeight).map(({ height, checked }) =>
      element('label', { className: 'rung' }, element('input', { type: 'checkbox', name: 'rung', value: String(height), checked: chosen.get(height) ?? checked }), ` ${height}p`),
    ),
  );
}

function form() {
  const heights = [...ui.rungs.querySelectorAll<HTMLInputElement>('input[name=rung]:checked')].map((input) => Number(input.value));
  return { heights, segmentSeconds: ui.segment.value, priority: ui.priority.value, webhookUrl: ui.webhook.value };
}

const resumedNote = (resumedFrom: number | null) => (resumedFrom ? ` (resumed at ${mb(resumedFrom)})` : '');

async function uploaded(fileId: string, resumedFrom: number | null): Promise<void> {
  const done = `uploaded${resumedNote(resumedFrom)}`;
  ui.uploadText.textContent = `${done}; starting the transcode…`;
  upload = null;
  ui.pause.hidden = true;
  ui.resume.hidden = true;
  try {
    await api!.transcode(transcodeRequestBody(fileId, form()));
    ui.uploadText.textContent = `${done}; transcoding (see the list below)`;
  } catch (err) {
    ui.uploadError.textContent = messageOf(err);
  }
}

async function uploadFile(file: File): Promise<void> {
  if (!api) return;
  if (upload) upload.pause();
  ui.uploadError.textContent = '';
  ui.uploadState.hidden = false;
  ui.uploadName.textContent = file.name;
  ui.uploadText.textContent = 'starting…';
  ui.uploadProgress.value = 0;
  ui.pause.hidden = false;
  ui.resume.hidden = true;
  renderRungs(await videoHeightOf(file));
  const current = new ResumableUpload(file, api.key, {
    onProgress: (sent, total) => {
      ui.uploadProgress.value = total > 0 ? (sent / total) * 100 : 0;
      ui.uploadText.textContent = `${mb(sent)} of ${mb(total)}${resumedNote(current.resumedFrom)}`;
    },
    onDone: (fileId) => void uploaded(fileId, current.resumedFrom),
    onRetry: (attempt) => {
      ui.uploadText.textContent = `connection lost; retrying (attempt ${attempt})…`;
    },
    onError: (problem) => {
      ui.uploadError.textContent = problem.message;
      ui.pause.hidden = true;
      ui.resume.hidden = false;
    },
  });
  upload = current;
  await current.start();
}

function showSignedIn(key: string): void {
  api = new ApiClient(key);
  ui.signIn.hidden = true;
  ui.signedIn.hidden = false;
  ui.signOut.hidden = false;
  ui.who.textContent = 'Signed in';
  renderRungs(null);
  feed = new LiveFeed({
    api,
    dispatch,
    reload: () => void reloadJobs(),
    onConnection: (connected) => (ui.live.textContent = connected ? '● live' : 'reconnecting…'),
  });
  feed.start();
}

function showSignedOut(): void {
  feed?.stop();
  feed = null;
  upload?.pause();
  upload = null;
  player.stop();
  api = null;
  dispatch({ type: 'signed-out' });
  ui.signIn.hidden = false;
  ui.signedIn.hidden = true;
  ui.signOut.hidden = true;
  ui.who.textContent = '';
  ui.uploadState.hidden = true;
  ui.keyInput.value = '';
}

ui.signInForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const key = ui.keyInput.value.trim();
  ui.signInError.textContent = '';
  void new ApiClient(key).listJobs().then(
    () => {
      session.signIn(key);
      showSignedIn(key);
    },
    (err: unknown) => (ui.signInError.textContent = messageOf(err)),
  );
});
ui.signOut.addEventListener('click', () => {
  session.signOut();
  showSignedOut();
});
ui.file.addEventListener('change', () => {
  const file = ui.file.files?.[0];
  if (file) void uploadFile(file);
});
ui.drop.addEventListener('dragover', (event) => {
  event.preventDefault();
  ui.drop.classList.add('over');
});
ui.drop.addEventListener('dragleave', () => ui.drop.classList.remove('over'));
ui.drop.addEventListener('drop', (event) => {
  event.preventDefault();
  ui.drop.classList.remove('over');
  const file = event.dataTransfer?.files[0];
  if (file) void uploadFile(file);
});
ui.pause.addEventListener('click', () => {
  upload?.pause();
  ui.pause.hidden = true;
  ui.resume.hidden = false;
  ui.uploadText.textContent += ' · paused';
});
ui.resume.addEventListener('click', () => {
  ui.uploadError.textContent = '';
  upload?.resume();
  ui.pause.hidden = false;
  ui.resume.hidden = true;
});

async function record(source: 'camera' | 'screen'): Promise<void> {
  try {
    await recorder.start(source);
    ui.recordStop.hidden = false;
    ui.recordCamera.disabled = true;
    ui.recordScreen.disabled = true;
  } catch (err) {
    ui.uploadError.textContent = `Cannot record: ${messageOf(err)}`;
  }
}
ui.recordCamera.addEventListener('click', () => void record('camera'));
ui.recordScreen.addEventListener('click', () => void record('screen'));
ui.recordStop.addEventListener('click', () => {
  ui.recordStop.hidden = true;
  ui.recordCamera.disabled = false;
  ui.recordScreen.disabled = false;
  void recorder.stop().then((file) => uploadFile(file));
});

const stored = session.key();
if (stored) showSignedIn(stored);
