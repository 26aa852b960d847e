/**
 * How far to move new blocks (dropped from the palette, pasted, added from a menu) so that
 * they land inside the visible part of the canvas: a block half outside the view, or pasted
 * where the view no longer is, would otherwise be lost to the user.
 */
import type { Box } from './minimap-corner.js';

/**
 * The smallest shift (dx, dy) that puts `group` inside `view` with `margin` to spare on
 * every side. A group larger than the view keeps its top-left corner in view.
 */
export function shiftIntoView(group: Box, view: Box, margin: number): { dx: number; dy: number } {
  const axis = (start: number, size: number, viewStart: number, viewSize: number): number => {
    const lo = viewStart + margin;
    const hi = viewStart + viewSize - margin;
    if (size > hi - lo) return lo - start; // too big: its start in view
    if (start < lo) return lo - start;
    if (start + size > hi) return hi - (start + size);
    return 0;
  };
  return {
    dx: axis(group.left, group.width, view.left, view.width),
    dy: axis(group.top, group.height, view.top, view.height),
  };
}

/** The box around `boxes` (at least one). */
export function boundingBox(boxes: Box[]): Box {
  const left = Math.min(...boxes.map((b) => b.left));
  const top = Math.min(...boxes.map((b) => b.top));
  const right = Math.max(...boxes.map((b) => b.left + b.width));
  const bottom = Math.max(...boxes.map((b) => b.top + b.height));
  return { left, top, width: right - left, height: bottom - top };
}
