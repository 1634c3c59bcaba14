import { describe, expect, it } from '@jest/globals';
import { describePlan, LadderOptionsSchema, parseProbe, planLadder } from '../src/index.js';
import { m4aAudioOnly } from './fixtures/ffprobe-audio.fixtures.js';
import { landscape1080p30 } from './fixtures/ffprobe-size.fixtures.js';

describe('describePlan', () => {
  it('lists every rendition, the audio, segment length and preset on the first line', () => {
    const plan = planLadder(parseProbe(landscape1080p30), LadderOptionsSchema.parse({ rungs: [{ height: 720 }, { height: 360 }] }));
    const [first] = describePlan(plan).split('\n');
    expect(first).toBe(
      `ladder: 720p 1280x720@30 ${plan.renditions[0]!.videoBitrateKbps}k, 360p 640x360@30 ${plan.renditions[1]!.videoBitrateKbps}k; ` +
        'audio 128k stereo; 4 s segments; x264 veryfast',
    );
  });

  it('says audio only for an audio-only plan and carries the planner notes', () => {
    const plan = planLadder(parseProbe(m4aAudioOnly), LadderOptionsSchema.parse({}));
    const lines = describePlan(plan).split('\n');
    expect(lines[0]).toBe('ladder: audio only; audio 128k stereo; 4 s segments; x264 veryfast');
    expect(lines.slice(1)).toEqual(plan.notes);
  });
});
