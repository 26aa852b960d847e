/**
 * The peer simulators the export tests run: Debian's /usr/bin/python3 with Brian2 (and
 * PyNN). Where a module is missing the tests skip, printing why.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const PYTHON = '/usr/bin/python3';

/** Why `module` cannot be used here, or null when `python3 -c "import module"` works. */
export function missingPeer(module: string): string | null {
  const r = spawnSync(PYTHON, ['-c', `import ${module}`], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) return `${PYTHON} cannot run (${r.error.message})`;
  if (r.status !== 0) return `${PYTHON} cannot import ${module} (install it: WITH_PEERS=1 bash scripts/install-system-deps.sh)`;
  return null;
}

/** Runs an exported script; throws with its output when it fails. */
export function runScript(script: string, args: string[]): string {
  const r = spawnSync(PYTHON, [script, ...args], { encoding: 'utf8', timeout: 300_000, env: { ...process.env, PYTHONWARNINGS: 'ignore' } });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${script} failed (${r.status}):\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
  return r.stdout;
}

export interface Csv {
  header: string[];
  rows: string[][];
}

export function readCsv(path: string): Csv {
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  return { header: lines[0]!.split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

/** The CSV files of a folder, by name. */
export function readCsvFolder(dir: string): Map<string, Csv> {
  return new Map(readdirSync(dir).filter((f) => f.endsWith('.csv')).sort().map((f) => [f, readCsv(join(dir, f))]));
}

/**
 * The largest difference between two wide-format traces (one column per neuron), relative
 * to the column's peak magnitude (a trace crossing zero has no meaningful pointwise ratio).
 */
export function maxRelativeDifference(a: Csv, b: Csv): number {
  let worst = 0;
  for (let c = 1; c < a.header.length; c++) {
    const x = a.rows.map((r) => Number(r[c]));
    const y = b.rows.map((r) => Number(r[c]));
    const scale = Math.max(...x.map(Math.abs), 1e-12);
    for (let k = 0; k < x.length; k++) worst = Math.max(worst, Math.abs(x[k]! - y[k]!) / scale);
  }
  return worst;
}

/** Mean of the values of a rate probe's CSV (Hz). */
export function meanRate(csv: Csv): number {
  const v = csv.rows.map((r) => Number(r[1]));
  return v.reduce((s, x) => s + x, 0) / v.length;
}
