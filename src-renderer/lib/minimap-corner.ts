/**
 * Where the editor's minimap goes: the first corner of the canvas where it covers no block,
 * or nowhere (hidden) when every corner would cover one. The bottom-left corner is the view
 * toolbar's, so it is not a candidate.
 */

/** A box in the canvas's own pixels (origin at its top-left corner). */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export type MinimapCorner = 'bottom-right' | 'top-right' | 'top-left';

/** The corners tried, in order of preference (bottom-right is Rete's own place). */
export const MINIMAP_CORNERS: readonly MinimapCorner[] = ['bottom-right', 'top-right', 'top-left'];

/** Distance of the minimap from the canvas's edges (px), as Rete's minimap style has it. */
export const MINIMAP_INSET = 24;

/** The minimap's box in `corner` of a canvas of `view` size. */
export function cornerBox(corner: MinimapCorner, view: { width: number; height: number }, size: { width: number; height: number }): Box {
  const left = corner === 'top-left' ? MINIMAP_INSET : view.width - MINIMAP_INSET - size.width;
  const top = corner === 'bottom-right' ? view.height - MINIMAP_INSET - size.height : MINIMAP_INSET;
  return { left, top, width: size.width, height: size.height };
}

function overlaps(a: Box, b: Box, gap: number): boolean {
  return a.left < b.left + b.width + gap && b.left < a.left + a.width + gap && a.top < b.top + b.height + gap && b.top < a.top + a.height + gap;
}

/**
 * The first corner whose minimap box keeps `gap` px away from every block, or null when the
 * minimap would cover a block wherever it went (or does not fit the canvas).
 */
export function freeMinimapCorner(view: { width: number; height: number }, size: { width: number; height: number }, blocks: Box[], gap = 6): MinimapCorner | null {
  if (size.width + 2 * MINIMAP_INSET > view.width || size.height + 2 * MINIMAP_INSET > view.height) return null;
  return MINIMAP_CORNERS.find((corner) => {
    const box = cornerBox(corner, view, size);
    return !blocks.some((b) => overlaps(box, b, gap));
  }) ?? null;
}
