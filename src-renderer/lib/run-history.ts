/**
 * The rows of the Runs panel: runs, sweeps grouped under their label (`historyItems`), and
 * consecutive runs of live mode collapsed into one group, so that the re-runs after every
 * edit do not bury the runs started with Run. Pure functions of the run list (newest first).
 */
import type { RunInfo } from '../../src-shared/api.js';
import { historyItems, type HistoryItem } from './sweep.js';

/**
 * Consecutive live items (runs, or sweeps started in live mode), newest first. `runs` holds
 * every run of them (newest item first; a sweep's runs in the sweep's order).
 */
export interface LiveGroup {
  kind: 'live';
  /** Stable while newer live runs join the group: named after its oldest run. */
  key: string;
  items: HistoryItem[];
  runs: RunInfo[];
}

export type HistoryRow = HistoryItem | LiveGroup;

/** The runs of an item of the history. */
export function itemRuns(item: HistoryItem | LiveGroup): RunInfo[] {
  return item.kind === 'run' ? [item.run] : item.runs;
}

/** Whether an item came from live mode: a live run, or a sweep whose runs all are. */
export function isLiveItem(item: HistoryItem): boolean {
  return item.kind === 'run' ? item.run.live : item.runs.length > 0 && item.runs.every((r) => r.live);
}

/**
 * The run history's rows: `historyItems` (a sweep at the place of its newest run), then
 * every stretch of two or more consecutive live items folded into one live group at the
 * place of its newest. A run or sweep not started in live mode ends the stretch; a lone
 * live item stays as it is.
 */
export function historyRows(runs: readonly RunInfo[]): HistoryRow[] {
  const rows: HistoryRow[] = [];
  let stretch: HistoryItem[] = [];
  const close = () => {
    if (stretch.length >= 2) {
      const all = stretch.flatMap(itemRuns);
      rows.push({ kind: 'live', key: `live-${Math.min(...all.map((r) => r.id))}`, items: stretch, runs: all });
    } else {
      rows.push(...stretch);
    }
    stretch = [];
  };
  for (const item of historyItems(runs)) {
    if (isLiveItem(item)) {
      stretch.push(item);
    } else {
      close();
      rows.push(item);
    }
  }
  close();
  return rows;
}

/** The live group in words: "Live · 14 runs". */
export function liveGroupLabel(group: LiveGroup): string {
  return `Live · ${group.runs.length} run${group.runs.length === 1 ? '' : 's'}`;
}
