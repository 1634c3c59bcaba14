import { describe, expect, it } from '@jest/globals';
import { benchChunking, chunkVariants, fixedCostFit, pipelinePerPartS, projectCompletionS, withInputRange } from '../bench/chunking.plan.js';
import { firstSegmentUri, renditionPlaylistUris, resolveUri } from '../bench/hls.first-segments.js';
import { jobPhases, partFacts, type PartRow, type TimelineEvent } from '../bench/job.timeline.js';

describe('chunking benchmark plan', () => {
  it('when the source is 5 minutes of 4 s segments (full run), then 20 s chunks make 15 parts, chunked from 40 s up', () => {
    expect(benchChunking(300, 4, false)).toEqual({ chunkSeconds: 20, minDurationS: 40, chunks: 15 });
  });

  it('when the run is quick (60 s), then 16 s chunks make 4 parts (the 12 s tail is a part of its own)', () => {
    expect(benchChunking(60, 4, true)).toEqual({ chunkSeconds: 16, minDurationS: 32, chunks: 4 });
  });

  it('when the source is shorter than two chunks, then the worker would not chunk it: one part', () => {
    expect(benchChunking(30, 4, false)).toEqual({ chunkSeconds: 20, minDurationS: 40, chunks: 1 });
  });

  it('when the variants are made, then T₁ and today never chunk, T₂ does, and only T₁/T₂ are pinned', () => {
    const off = { WORKER_CONCURRENCY: '1', CHUNK_MIN_DURATION_S: '0' };
    expect(chunkVariants({ chunkSeconds: 30, minDurationS: 60, chunks: 10 })).toEqual([
      { name: 'T1', title: 'T₁: 1 worker pinned to 1 core, no chunking', cores: [0], env: off },
      {
        name: 'T2',
        title: 'T₂: 2 workers pinned to a core each, chunking',
        cores: [0, 1],
        env: { WORKER_CONCURRENCY: '1', CHUNK_MIN_DURATION_S: '60', CHUNK_SECONDS: '30' },
      },
      { name: 'today', title: 'today: 1 worker on both cores, no chunking', cores: [null], env: off },
    ]);
  });

  it('when a range is applied, then -ss and -t go just before the one -i, everything else unchanged', () => {
    const args = ['-hide_banner', '-progress', 'pipe:1', '-i', 'file:/in.mp4', '-map', '0:v', '-f', 'hls', 'out/%v.m3u8'];
    expect(withInputRange(args, { startS: 181, durationS: 8 })).toEqual([
      '-hide_banner', '-progress', 'pipe:1', '-ss', '181', '-t', '8', '-i', 'file:/in.mp4', '-map', '0:v', '-f', 'hls', 'out/%v.m3u8',
    ]);
  });

  it('when the command has no -i or two of them, then withInputRange refuses', () => {
    expect(() => withInputRange(['-f', 'hls', 'out.m3u8'], { startS: 0, durationS: 4 })).toThrow('expected one -i in the command, found 0');
    expect(() => withInputRange(['-i', 'a', '-i', 'b', 'out'], { startS: 0, durationS: 4 })).toThrow('found 2');
  });

  it('when range encodes lie on a line, then the fit gives its intercept as the fixed cost and its slope per second', () => {
    const fit = fixedCostFit([
      { durationS: 4, seconds: 10.6 },
      { durationS: 8, seconds: 20.2 },
      { durationS: 12, seconds: 29.8 },
    ]);
    expect(fit.perSecondS).toBeCloseTo(2.4);
    expect(fit.fixedS).toBeCloseTo(1.0);
  });

  it('when every range has the same length, then no fixed cost can be fitted', () => {
    expect(() => fixedCostFit([{ durationS: 4, seconds: 10 }, { durationS: 4, seconds: 11 }])).toThrow(RangeError);
  });

  it('when workers grow, then the projection is serial + the busiest worker\'s chunks, flat beyond one chunk per worker; a negative overhead (noise) counts as none', () => {
    const input = { serialS: 2, encodeS: 600, perChunkS: 1, chunks: 10 };
    expect(projectCompletionS(input, 1)).toBeCloseTo(2 + 10 * 61);
    expect(projectCompletionS(input, 2)).toBeCloseTo(2 + 5 * 61);
    expect(projectCompletionS(input, 4)).toBeCloseTo(2 + 3 * 61);
    expect(projectCompletionS(input, 10)).toBeCloseTo(2 + 61);
    expect(projectCompletionS(input, 32)).toBeCloseTo(2 + 61);
    expect(projectCompletionS({ ...input, perChunkS: -3 }, 2)).toBeCloseTo(2 + 5 * 60);
    expect(() => projectCompletionS(input, 0)).toThrow(RangeError);
    expect(() => projectCompletionS(input, 1.5)).toThrow(RangeError);
  });
});

const ev = (kind: string, atMs: number, to: string | null = null): TimelineEvent => ({ kind, to, atMs });

describe('job phases from job_events', () => {
  it('when an unchunked job completes, then encode is encoding → next stage and the rest is serial', () => {
    const events = [
      ev('queued', 1000),
      ev('processing', 1040),
      ev('stage', 1050, 'probing'),
      ev('stage', 1250, 'encoding'),
      ev('playable', 6000),
      ev('stage', 41_250, 'uploading'),
      ev('stage', 42_000, 'finalizing'),
      ev('completed', 42_100),
    ];
    expect(jobPhases(events)).toEqual({
      totalMs: 41_100,
      encodeMs: 40_000,
      serialMs: 1100,
      stages: ['probing', 'encoding', 'uploading', 'finalizing'],
    });
  });

  it('when a chunked job completes, then encode runs from the encoding stage to finalizing (events in any order)', () => {
    const events = [ev('completed', 30_000), ev('stage', 28_000, 'finalizing'), ev('queued', 0), ev('stage', 100, 'probing'), ev('stage', 500, 'encoding')];
    expect(jobPhases(events)).toEqual({ totalMs: 30_000, encodeMs: 27_500, serialMs: 2500, stages: ['probing', 'encoding', 'finalizing'] });
  });

  it('when the job did not complete or never encoded, then jobPhases refuses, naming the events', () => {
    expect(() => jobPhases([ev('queued', 0), ev('cancelled', 5)])).toThrow('the job did not complete (events: queued, cancelled)');
    expect(() => jobPhases([])).toThrow('events: none');
    expect(() => jobPhases([ev('queued', 0), ev('completed', 5)])).toThrow('the job has no encoding stage (events: queued, completed)');
  });
});

const part = (kind: PartRow['kind'], startedAtMs: number | null, completedAtMs: number | null, workerId: string | null = 'w1'): PartRow => ({
  kind,
  startedAtMs,
  completedAtMs,
  workerId,
});

describe('part facts from transcode_chunks', () => {
  it('when every part finished, then part runs, workers and assembly (last part done → job finished) are read off', () => {
    const rows = [part('audio', 1000, 4000, 'w1'), part('video', 1000, 21_000, 'w2'), part('video', 4000, 26_000, 'w1'), part('video', 21_000, 40_000, 'w2')];
    expect(partFacts(rows, 41_500)).toEqual({ videoParts: 3, videoPartS: [20, 22, 19], audioS: 3, workers: 2, assemblyS: 1.5 });
  });

  it('when a part never finished, or there are none, then partFacts refuses', () => {
    expect(() => partFacts([part('video', 0, 10), part('video', 5, null)], 20)).toThrow('1 of 2 parts have no finished run');
    expect(() => partFacts([], 20)).toThrow('0 of 0 parts');
  });

  it('when parts cost more than the one-pass encode, then the per-part overhead is the excess over their count', () => {
    expect(pipelinePerPartS([20, 22, 19, 21], 80)).toBeCloseTo(0.5);
    expect(() => pipelinePerPartS([], 80)).toThrow(RangeError);
  });
});

describe('first segments a player needs', () => {
  const master = [
    '#EXTM3U',
    '#EXT-X-VERSION:6',
    '#EXT-X-INDEPENDENT-SEGMENTS',
    '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="audio",DEFAULT=YES,AUTOSELECT=YES,URI="audio/index.m3u8"',
    '#EXT-X-STREAM-INF:BANDWIDTH=5000000,RESOLUTION=1920x1080,CODECS="avc1.640028,mp4a.40.2",AUDIO="aud"',
    '1080p/index.m3u8',
    '#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2",AUDIO="aud"',
    '360p/index.m3u8',
    '',
  ].join('\n');

  it('when a master names video variants sharing one audio rendition, then each playlist is listed once', () => {
    expect(renditionPlaylistUris(master)).toEqual(['1080p/index.m3u8', '360p/index.m3u8', 'audio/index.m3u8']);
  });

  it('when an EVENT playlist names segments, then the first is returned; none yet → null', () => {
    const playlist = ['#EXTM3U', '#EXT-X-VERSION:6', '#EXT-X-TARGETDURATION:4', '#EXT-X-PLAYLIST-TYPE:EVENT', '#EXTINF:4.000,', 'seg_a1_00000.ts', '#EXTINF:4.000,', 'seg_a1_00001.ts', ''].join('\n');
    expect(firstSegmentUri(playlist)).toBe('seg_a1_00000.ts');
    expect(firstSegmentUri(['#EXTM3U', '#EXT-X-TARGETDURATION:4', '#EXT-X-PLAYLIST-TYPE:EVENT', ''].join('\n'))).toBeNull();
  });

  it('when the wrong kind of playlist is given, then the parser refuses it', () => {
    expect(() => renditionPlaylistUris('#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\na.ts\n')).toThrow('not a master playlist');
    expect(() => firstSegmentUri(master)).toThrow('not a media playlist');
  });

  it('when a URI is relative, then it resolves against the playlist that names it', () => {
    expect(resolveUri('360p/index.m3u8', 'http://127.0.0.1:4000/media/hls/f/j/1/master.m3u8')).toBe('http://127.0.0.1:4000/media/hls/f/j/1/360p/index.m3u8');
    expect(resolveUri('seg_a1_00000.ts', 'http://127.0.0.1:4000/media/hls/f/j/1/360p/index.m3u8')).toBe('http://127.0.0.1:4000/media/hls/f/j/1/360p/seg_a1_00000.ts');
  });
});
