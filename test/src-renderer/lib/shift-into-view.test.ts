import { describe, expect, it } from 'vitest';
import { boundingBox, shiftIntoView } from '../../../src-renderer/lib/shift-into-view.js';

const view = { left: 100, top: 50, width: 400, height: 300 };

describe('shiftIntoView', () => {
  it('leaves a group inside the view where it is', () => {
    expect(shiftIntoView({ left: 200, top: 100, width: 50, height: 50 }, view, 10)).toEqual({ dx: 0, dy: 0 });
  });

  it('moves a group past an edge back in by the least, with the margin', () => {
    expect(shiftIntoView({ left: 480, top: 330, width: 50, height: 50 }, view, 10)).toEqual({ dx: -40, dy: -40 });
    expect(shiftIntoView({ left: 0, top: -500, width: 50, height: 50 }, view, 10)).toEqual({ dx: 110, dy: 560 });
  });

  it('keeps the top-left corner of a group larger than the view in view', () => {
    expect(shiftIntoView({ left: 300, top: 300, width: 1000, height: 20 }, view, 10)).toEqual({ dx: -190, dy: 0 });
  });
});

describe('boundingBox', () => {
  it('is the box around the boxes', () => {
    expect(boundingBox([{ left: 0, top: 5, width: 10, height: 10 }, { left: 20, top: -5, width: 5, height: 5 }])).toEqual({ left: 0, top: -5, width: 25, height: 20 });
  });
});
