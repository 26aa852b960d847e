/**
 * Long lists of problems, cut to what a person reads: a document with 300,000 unconnected
 * probes must not print 300,000 lines (or send 300,000 diagnostics to the editor). The
 * first few are listed, then "… and 299,990 more".
 */

/** Problems listed in a message (one line each) before the rest is counted. */
export const MAX_LISTED_PROBLEMS = 10;

/** Diagnostics sent to the editor (marked on blocks) before the rest is counted. */
export const MAX_DIAGNOSTICS = 100;

/** "… and 299,990 more". */
export function moreLine(count: number): string {
  return `… and ${count.toLocaleString('en-US')} more`;
}

/** The first `max` lines, then one line counting the rest. */
export function capLines(lines: readonly string[], max = MAX_LISTED_PROBLEMS): string[] {
  if (lines.length <= max) return [...lines];
  return [...lines.slice(0, max), moreLine(lines.length - max)];
}

/** The first `max` diagnostics, then one counting the rest (on no block). */
export function capDiagnostics<T extends { message: string }>(
  list: readonly T[],
  max = MAX_DIAGNOSTICS,
): Array<T | { block?: undefined; field?: undefined; message: string }> {
  if (list.length <= max) return [...list];
  return [...list.slice(0, max), { message: moreLine(list.length - max) }];
}
