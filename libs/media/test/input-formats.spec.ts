import { describe, expect, it } from '@jest/globals';
import { ALLOWED_INPUT_FORMATS } from '../src/index.js';

describe('ALLOWED_INPUT_FORMATS', () => {
  it('admits the containers users upload (mp4, mov, mkv, webm) and audio files', () => {
    expect(ALLOWED_INPUT_FORMATS).toEqual(expect.arrayContaining(['mp4', 'mov', 'matroska', 'webm', 'mpegts', 'mp3', 'wav']));
  });

  it('refuses demuxers that read images or make ffmpeg open other files or URLs', () => {
    for (const demuxer of ['png_pipe', 'image2', 'image2pipe', 'hls', 'concat', 'tty', 'lavfi', 'data', 'subviewer']) {
      expect(ALLOWED_INPUT_FORMATS).not.toContain(demuxer);
    }
  });
});
