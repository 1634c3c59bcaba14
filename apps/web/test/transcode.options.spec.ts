import { describe, expect, it } from '@jest/globals';
import { RUNG_HEIGHTS, rungChoices, transcodeRequestBody } from '../src/transcode.options.js';

describe('rungChoices', () => {
  it('when the source is 720p, then rungs up to 720 are offered and the usual ones checked', () => {
    expect(rungChoices(720)).toEqual([
      { height: 720, checked: true },
      { height: 480, checked: true },
      { height: 360, checked: true },
      { height: 240, checked: false },
    ]);
  });

  it('when the source is 4K, then every rung is offered and 1080 down to 360 checked', () => {
    expect(rungChoices(2160)).toEqual([
      { height: 2160, checked: false },
      { height: 1440, checked: false },
      { height: 1080, checked: true },
      { height: 720, checked: true },
      { height: 480, checked: true },
      { height: 360, checked: true },
      { height: 240, checked: false },
    ]);
  });

  it('when the source is between rungs (1000 px), then nothing taller is offered', () => {
    expect(rungChoices(1000).map((c) => c.height)).toEqual([720, 480, 360, 240]);
  });

  it('when the source is 240p, then the one fitting rung is offered and checked', () => {
    expect(rungChoices(240)).toEqual([{ height: 240, checked: true }]);
  });

  it('when the source is smaller than every rung, then its own (even) height is the one rung', () => {
    expect(rungChoices(145)).toEqual([{ height: 144, checked: true }]);
  });

  it('when the browser could not read the height, then every rung is offered and the server drops what is too tall', () => {
    for (const unknown of [null, 0, -1, Number.NaN]) {
      expect(rungChoices(unknown).map((c) => c.height)).toEqual([...RUNG_HEIGHTS]);
      expect(rungChoices(unknown).filter((c) => c.checked).map((c) => c.height)).toEqual([1080, 720, 480, 360]);
    }
  });
});

describe('transcodeRequestBody', () => {
  const empty = { heights: [], segmentSeconds: '', priority: '', webhookUrl: '' };

  it('when nothing is set, then only the file id is sent and the server applies its defaults', () => {
    expect(transcodeRequestBody('f1', empty)).toEqual({ fileId: 'f1' });
  });

  it('when every option is set, then rungs are sent tallest first without duplicates, numbers as numbers', () => {
    expect(
      transcodeRequestBody('f1', { heights: [360, 720, 360, 480], segmentSeconds: ' 4 ', priority: '10', webhookUrl: ' https://hooks.example.com/x ' }),
    ).toEqual({
      fileId: 'f1',
      ladder: { rungs: [{ height: 720 }, { height: 480 }, { height: 360 }], segmentSeconds: 4 },
      priority: 10,
      webhookUrl: 'https://hooks.example.com/x',
    });
  });

  it('when only the segment length is set, then the ladder carries only that', () => {
    expect(transcodeRequestBody('f1', { ...empty, segmentSeconds: '6' })).toEqual({ fileId: 'f1', ladder: { segmentSeconds: 6 } });
  });

  it('when a number field holds text, then it reaches the server as null, which refuses it with a 400 naming the field', () => {
    expect(JSON.parse(JSON.stringify(transcodeRequestBody('f1', { ...empty, priority: 'high' })))).toEqual({ fileId: 'f1', priority: null });
  });
});
