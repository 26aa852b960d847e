/**
 * Recordings into uPlot's data layout: min/max-decimated windows from `readTrace` become
 * one line per neuron that keeps every peak (the min and the max of each column are both
 * drawn), a second run is aligned on the first one's time axis for overlays, and a plot
 * is composed into a PNG with its title and legend.
 */
import uPlot from 'uplot';
import type { TraceData } from '../../src-shared/api.js';

/** Line colours, in order of series. */
export const SERIES_COLORS = [
  '#1c64f2', '#e8590c', '#2b8a3e', '#ae3ec9', '#0c8599', '#c92a2a', '#5c940d', '#d6336c', '#364fc7', '#e67700',
  '#087f5b', '#862e9c', '#495057', '#a61e4d', '#1864ab', '#d9480f',
];

export function colorOf(i: number): string {
  return SERIES_COLORS[i % SERIES_COLORS.length]!;
}

/**
 * The x column and one y column per series of a trace window. Decimated columns put the
 * min at the column's time and the max half a column later, so a spike peak between
 * two columns is still drawn at its height.
 */
export function traceColumns(trace: TraceData): { x: number[]; ys: number[][] } {
  const n = trace.t.length;
  if (!trace.decimated || n === 0) {
    return { x: trace.t.slice(), ys: trace.series.map((s) => s.min.slice()) };
  }
  const x: number[] = new Array(2 * n);
  const ys: number[][] = trace.series.map(() => new Array<number>(2 * n));
  for (let i = 0; i < n; i++) {
    const t = trace.t[i]!;
    const next = i + 1 < n ? trace.t[i + 1]! : t + (n > 1 ? t - trace.t[i - 1]! : 0);
    x[2 * i] = t;
    x[2 * i + 1] = t + (next - t) / 2;
    trace.series.forEach((s, j) => {
      const col = ys[j]!;
      // Draw the extreme reached first first; without that order known, min then max.
      col[2 * i] = s.min[i]!;
      col[2 * i + 1] = s.max[i]!;
    });
  }
  return { x, ys };
}

/** Aligns several tables ([x, ...ys]) on the union of their x values (gaps are null). */
export function joinTables(tables: Array<{ x: number[]; ys: number[][] }>): uPlot.AlignedData {
  if (tables.length === 1) {
    const t = tables[0]!;
    return [t.x, ...t.ys] as uPlot.AlignedData;
  }
  return uPlot.join(tables.map((t) => [t.x, ...t.ys]) as unknown as uPlot.AlignedData[]);
}

// In a module of its own, which tests and DOM-free modules can import without uPlot.
export { fmtValue } from './format-value.js';

/**
 * A PNG of a plot: white background, title, legend, and the chart canvas at its device
 * resolution. Resolves with the PNG blob.
 */
export function plotPng(u: uPlot, title: string, legend: Array<{ label: string; color: string; dash?: boolean }>): Promise<Blob> {
  const src = u.ctx.canvas;
  const dpr = src.width / Math.max(1, u.width);
  const pad = 12 * dpr;
  const titleH = 22 * dpr;
  const legendH = legend.length > 0 ? 18 * dpr * Math.ceil(legend.length / 6) : 0;
  const out = document.createElement('canvas');
  out.width = src.width + 2 * pad;
  out.height = src.height + titleH + legendH + 2 * pad;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = '#1f2933';
  ctx.font = `600 ${13 * dpr}px sans-serif`;
  ctx.textBaseline = 'top';
  ctx.fillText(title, pad, pad);
  ctx.font = `${11 * dpr}px sans-serif`;
  const colW = (out.width - 2 * pad) / 6;
  legend.slice(0, 36).forEach((item, i) => {
    const x = pad + (i % 6) * colW;
    const y = pad + titleH + Math.floor(i / 6) * 18 * dpr;
    ctx.strokeStyle = item.color;
    ctx.lineWidth = 2 * dpr;
    ctx.setLineDash(item.dash ? [4 * dpr, 3 * dpr] : []);
    ctx.beginPath();
    ctx.moveTo(x, y + 6 * dpr);
    ctx.lineTo(x + 16 * dpr, y + 6 * dpr);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = '#3e4c59';
    ctx.fillText(item.label, x + 22 * dpr, y);
  });
  ctx.drawImage(src, pad, pad + titleH + legendH);
  return new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('the plot could not be drawn as PNG'))), 'image/png'));
}
