import { describe, expect, it } from '@jest/globals';
import { problemFrom } from '../src/problem.js';
import { parseStoryboardCue, secondsAt } from '../src/storyboard.js';

describe('problemFrom', () => {
  it('when the body is problem+json, then the message is its detail followed by its code', () => {
    const problem = problemFrom(413, JSON.stringify({ type: 'about:blank', title: 'Payload Too Large', status: 413, detail: 'The upload is larger than 10 MB.', code: 'payload_too_large' }));
    expect({ status: problem.status, code: problem.code, message: problem.message }).toEqual({
      status: 413,
      code: 'payload_too_large',
      message: 'The upload is larger than 10 MB. (payload_too_large)',
    });
  });

  it('when the body has a title only, then the title is shown', () => {
    expect(problemFrom(500, '{"title":"Internal Server Error"}').message).toBe('Internal Server Error');
  });

  it('when the body is not JSON (a proxy page) or empty, then the status is shown with the text', () => {
    expect(problemFrom(502, '<html>Bad gateway</html>').message).toBe('HTTP 502: <html>Bad gateway</html>');
    expect(problemFrom(504, '').message).toBe('HTTP 504');
  });
});

describe('storyboard', () => {
  it('when a cue names a tile, then its sprite and box are read', () => {
    expect(parseStoryboardCue('storyboard.jpg#xywh=160,90,160,90\n')).toEqual({ sprite: 'storyboard.jpg', x: 160, y: 90, w: 160, h: 90 });
    expect(parseStoryboardCue('not a tile')).toBeNull();
  });

  it('when the pointer is off the bar or the duration unknown, then the time is clamped or 0', () => {
    expect([secondsAt(0.5, 10), secondsAt(-1, 10), secondsAt(2, 10), secondsAt(0.5, Number.NaN), secondsAt(0.5, Infinity)]).toEqual([5, 0, 10, 0, 0]);
  });
});
