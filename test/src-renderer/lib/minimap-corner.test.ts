import { describe, expect, it } from 'vitest';
import { cornerBox, freeMinimapCorner, MINIMAP_INSET } from '../../../src-renderer/lib/minimap-corner.js';

const view = { width: 800, height: 500 };
const size = { width: 120, height: 120 };

describe('freeMinimapCorner', () => {
  it('keeps Rete\'s bottom-right corner while no block is there', () => {
    expect(freeMinimapCorner(view, size, [{ left: 10, top: 10, width: 200, height: 100 }])).toBe('bottom-right');
  });

  it('moves to the next free corner when a block lies under the minimap', () => {
    const under = cornerBox('bottom-right', view, size);
    expect(freeMinimapCorner(view, size, [{ ...under, width: 10, height: 10 }])).toBe('top-right');
    const topRight = cornerBox('top-right', view, size);
    expect(freeMinimapCorner(view, size, [under, topRight])).toBe('top-left');
  });

  it('counts a block within the gap as covered', () => {
    const b = cornerBox('bottom-right', view, size);
    const near = { left: b.left - 20, top: b.top, width: 17, height: 10 }; // 3 px from its left edge
    expect(freeMinimapCorner(view, size, [near], 6)).toBe('top-right');
    expect(freeMinimapCorner(view, size, [near], 2)).toBe('bottom-right');
  });

  it('hides (null) when every corner covers a block, or the canvas is too small', () => {
    expect(freeMinimapCorner(view, size, [{ left: 0, top: 0, width: 800, height: 500 }])).toBeNull();
    expect(freeMinimapCorner({ width: 150, height: 500 }, size, [])).toBeNull();
  });

  it('places the corners MINIMAP_INSET from the edges', () => {
    expect(cornerBox('bottom-right', view, size)).toEqual({ left: 800 - MINIMAP_INSET - 120, top: 500 - MINIMAP_INSET - 120, width: 120, height: 120 });
    expect(cornerBox('top-left', view, size)).toEqual({ left: MINIMAP_INSET, top: MINIMAP_INSET, width: 120, height: 120 });
  });
});
