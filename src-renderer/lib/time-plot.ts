/**
 * What the run's plots (TracePlot, RasterPlot) share: uPlot's time axis and linked cursor,
 * zooming and panning the shared time axis with the mouse, one load at a time, re-reading
 * while a run streams, the benchmark's marks on the chart and the PNG export.
 */
import { onDestroy } from 'svelte';
import uPlot from 'uplot';
import type { ApiEvents, ProbeInfo, RunInfo } from '../../src-shared/api.js';
import { plotPng } from './plot-data.js';
import { downloadBlob } from './downloads.js';
import type { TimeView } from './time-view.js';

/** A plot's run and probe, and the other runs drawn over it. */
export interface PlotInputs {
  run: RunInfo;
  probe: ProbeInfo;
  /** Other runs drawn over this one (the same probe of each), with their colour's index (default: 1, 2, …). */
  overlays: Array<{ run: RunInfo; probe: ProbeInfo; color?: number }>;
}

/** A plot's props: its inputs (no overlays by default) and the shared time window, with the way to change it (null: the whole run). */
export type TimePlotProps = Omit<PlotInputs, 'overlays'> & {
  overlays?: PlotInputs['overlays'];
  view: TimeView;
  onView: (v: TimeView | null) => void;
};

/** The narrowest a chart is drawn (px). */
const MIN_WIDTH = 200;

/** The chart's width for a box `width` px wide. */
export function plotWidth(width: number): number {
  return Math.max(MIN_WIDTH, width);
}

const FONT = '11px sans-serif';
const TICKS = { stroke: '#d5dbe3', width: 1 };
const GRID = { stroke: '#eef1f5', width: 1 };

/** The x axis: time in ms. */
export function timeAxis(): uPlot.Axis {
  return { label: 'time (ms)', labelSize: 16, labelFont: FONT, font: FONT, stroke: '#52606d', grid: GRID, ticks: TICKS };
}

/** The y axis, named `label`; `grid`: horizontal grid lines. */
export function valueAxis(label: string, grid: boolean, extra: Partial<uPlot.Axis> = {}): uPlot.Axis {
  return { label, labelSize: 18, labelFont: FONT, font: FONT, stroke: '#52606d', size: 52, grid: grid ? GRID : { show: false }, ticks: TICKS, ...extra };
}

/** A cursor linked across the plots; dragging selects a time window (see selectTimeHook). */
export function timeCursor(points: uPlot.Cursor.Points): uPlot.Cursor {
  return { drag: { x: true, y: false, setScale: false }, sync: { key: 'spikeflow-time' }, points };
}

/** A setSelect hook: a selection wider than 3 px becomes the view (within 0 … the run's duration). */
export function selectTimeHook(durationMs: () => number, onView: (v: TimeView) => void): (plot: uPlot) => void {
  return (plot) => {
    const sel = plot.select;
    if (sel.width > 3) {
      const a = plot.posToVal(sel.left, 'x');
      const b = plot.posToVal(sel.left + sel.width, 'x');
      onView({ t0: Math.max(0, a), t1: Math.min(durationMs(), b) });
    }
    plot.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
  };
}

/**
 * The gestures every plot shares: Ctrl+wheel zooms the time axis around the pointer,
 * Shift+drag (or the middle button) pans it, double-click resets. A plain drag selects a
 * window to zoom to (the cursor's drag, see selectTimeHook). `minSpan`: a zoom to a window
 * this narrow or narrower (ms) is ignored.
 */
export function attachTimeGestures(
  plot: uPlot,
  opts: { view: () => TimeView; durationMs: () => number; onView: (v: TimeView | null) => void; minSpan?: number },
): void {
  const { view, durationMs, onView } = opts;
  const over = plot.over;
  over.addEventListener('wheel', (ev) => {
    if (!ev.ctrlKey && !ev.metaKey) return;
    ev.preventDefault();
    const x = plot.posToVal(ev.offsetX, 'x');
    const f = ev.deltaY > 0 ? 1.25 : 0.8;
    const v = view();
    const t0 = Math.max(0, x - (x - v.t0) * f);
    const t1 = Math.min(durationMs(), x + (v.t1 - x) * f);
    if (opts.minSpan === undefined || t1 - t0 > opts.minSpan) onView({ t0, t1 });
  }, { passive: false });
  // Cancelling pointerdown keeps uPlot (which listens to mousedown) from starting a selection.
  over.addEventListener('pointerdown', (ev) => {
    if (!ev.shiftKey && ev.button !== 1) return;
    ev.preventDefault();
    over.setPointerCapture(ev.pointerId);
    const start = { x: ev.clientX, v: view() };
    const perPx = (start.v.t1 - start.v.t0) / Math.max(1, over.clientWidth);
    const move = (e: PointerEvent) => {
      let dt = -(e.clientX - start.x) * perPx;
      dt = Math.max(-start.v.t0, Math.min(durationMs() - start.v.t1, dt));
      onView({ t0: start.v.t0 + dt, t1: start.v.t1 + dt });
    };
    const up = () => {
      over.removeEventListener('pointermove', move);
      over.removeEventListener('pointerup', up);
    };
    over.addEventListener('pointermove', move);
    over.addEventListener('pointerup', up);
  });
  over.addEventListener('dblclick', () => onView(null));
}

/**
 * One load at a time: a call while `pass` runs makes it run once more afterwards (it reads
 * the inputs then current). `setError` gets the last failure's message, or '' after a success.
 */
export function serialLoader(pass: () => Promise<void>, setError: (message: string) => void): () => Promise<void> {
  let loading = false;
  let again = false;
  return async () => {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    try {
      do {
        again = false;
        await pass();
      } while (again);
      setError('');
    } catch (e) {
      setError((e as Error).message);
    } finally {
      loading = false;
    }
  };
}

/** Reads every input a plot reloads on (call it in the $effect that loads). */
export function trackPlotInputs(p: PlotInputs, view: TimeView, width: number): void {
  void p.run.id;
  void p.run.status;
  void p.probe.id;
  void p.overlays.map((o) => `${o.run.id}:${o.run.status}`).join();
  void view.t0;
  void view.t1;
  void width;
}

/** While a run streams, re-read at most every STREAM_MS: each read covers the whole window. */
const STREAM_MS = 250;

/**
 * Calls `load` when new data of the plot's probe (or an overlay's) comes in, at most every
 * STREAM_MS. Returns the function that stops it.
 */
export function reloadWhileStreaming(
  studio: { onRunData(cb: (p: ApiEvents['run-data']) => void): () => void },
  inputs: () => PlotInputs,
  load: () => void,
): () => void {
  let streamTimer: ReturnType<typeof setTimeout> | undefined;
  let lastStreamLoad = 0;
  const off = studio.onRunData((p) => {
    const { run, probe, overlays } = inputs();
    if (!((p.runId === run.id && p.probes.includes(probe.id)) || overlays.some((o) => p.runId === o.run.id && p.probes.includes(o.probe.id)))) return;
    if (streamTimer) return;
    const wait = Math.max(0, lastStreamLoad + STREAM_MS - performance.now());
    streamTimer = setTimeout(() => {
      streamTimer = undefined;
      lastStreamLoad = performance.now();
      load();
    }, wait);
  });
  return () => {
    off();
    clearTimeout(streamTimer);
  };
}

/**
 * For a plot component's set-up: reloads while its runs stream (see reloadWhileStreaming)
 * until the component is destroyed (its chart is freed by uplot-card.svelte.ts).
 */
export function reloadUntilDestroyed(studio: Parameters<typeof reloadWhileStreaming>[0], inputs: () => PlotInputs, load: () => void): void {
  onDestroy(reloadWhileStreaming(studio, inputs, load));
}

/** Marks the chart's element with what was drawn (read by the benchmark and the tests); `t0`: when drawing began. */
export function markDrawn(host: HTMLElement, t0: number, marks: { points: number; runs: number; series?: number }): number {
  const ms = performance.now() - t0;
  host.dataset.drawMs = ms.toFixed(2);
  host.dataset.drawnAt = String(performance.now());
  host.dataset.points = String(marks.points);
  if (marks.series !== undefined) host.dataset.series = String(marks.series);
  host.dataset.runs = String(marks.runs);
  return ms;
}

/** Saves the chart as run-<run>-<probe>.png, titled and with the legend `items`. */
export async function exportPlotPng(u: uPlot, run: RunInfo, probe: ProbeInfo, title: string, items: Array<{ label: string; color: string; dash?: boolean }>): Promise<void> {
  const blob = await plotPng(u, `Run ${run.id} · ${title}`, items);
  downloadBlob(`run-${run.id}-${probe.id}.png`, blob);
}
