/**
 * Fuzzing the command line: every document of documents.ts (320, mutations of every
 * example) goes through the built CLI's `validate` and `run`, each in its own process with
 * 1 GiB of data (prlimit --data: heap and typed arrays) and a 20 s limit, two at a time.
 * Every case must end by itself with exit code 0 or 1 and a few lines that name what is
 * wrong — none hangs, none is killed, none prints a stack trace. The counts are printed.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../../scripts/build-cli.js';
import { fuzzDocuments, MUTATION_KINDS, type FuzzDocument } from './documents.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLES = path.join(ROOT, 'assets', 'examples');
/** Inside the repository, so that the native packages resolve from node_modules. */
const BUNDLE = path.join(ROOT, 'dist', `.fuzz-cli-${process.pid}`);
const MEMORY_CAP = 2 ** 30;
const TIME_LIMIT_MS = 20_000;
/** Most lines a case may print (a summary of a run prints one per population). */
const MOST_LINES = 12;

let work: string;
let docs: FuzzDocument[];

export interface CaseResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/** Runs the bundled CLI under the memory cap and time limit. */
function spikeflow(args: string[], cwd: string): Promise<CaseResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('prlimit', [`--data=${MEMORY_CAP}`, process.execPath, path.join(BUNDLE, 'cli', 'main.js'), ...args], {
      cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    // Bounded: a case that floods its output is caught by the line count, not by our memory.
    child.stdout.on('data', (d: Buffer) => { if (stdout.length < 1e6) stdout += d.toString('utf8'); });
    child.stderr.on('data', (d: Buffer) => { if (stderr.length < 1e6) stderr += d.toString('utf8'); });
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, TIME_LIMIT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, timedOut, stdout, stderr }); });
  });
}

/** Runs `f` over `items`, `width` at a time, keeping the order of the results. */
export async function pool<T, R>(items: readonly T[], width: number, f: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) {
      const k = next++;
      results[k] = await f(items[k]!, k);
    }
  }));
  return results;
}

/** What is wrong with one case's outcome, or null. */
function misbehaviour(r: CaseResult): string | null {
  if (r.timedOut) return `still running after ${TIME_LIMIT_MS / 1000} s`;
  if (r.signal) return `killed by ${r.signal}`;
  if (r.code !== 0 && r.code !== 1) return `exit code ${r.code}`;
  const lines = `${r.stdout}${r.stderr}`.trim().split('\n');
  if (lines.length > MOST_LINES) return `${lines.length} lines of output`;
  if (/^\s+at .+:\d+:\d+\)?$/m.test(r.stderr)) return 'a stack trace';
  if (r.code === 1) {
    // One message: "spikeflow: <file>: …", or naming a block, a field, an edge or the run.
    const first = r.stderr.split('\n')[0] ?? '';
    if (!first.startsWith('spikeflow: ')) return `a failure without a message (${first.slice(0, 80)})`;
    if (!/block |field |edge |run\.|\.json|--\w|no such|document|connection|parameter|input|output|delay|neuron|state/i.test(r.stderr)) {
      return `a message naming nothing (${first.slice(0, 120)})`;
    }
  }
  return null;
}

beforeAll(async () => {
  await buildCli({ outDir: BUNDLE, quiet: true });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'spikeflow-fuzz-'));
  docs = fuzzDocuments(EXAMPLES);
  docs.forEach((d, k) => fs.writeFileSync(path.join(work, `${k}.json`), d.bytes));
}, 120_000);

afterAll(() => {
  fs.rmSync(BUNDLE, { recursive: true, force: true });
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('fuzzing the CLI', () => {
  it('validate and run end every document with exit 0 or 1 and a few lines, under 1 GiB and 20 s each', async () => {
    expect(docs.length).toBeGreaterThanOrEqual(300);
    // Every example is mutated, with every kind of mutation.
    const examples = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));
    for (const file of examples) expect(docs.some((d) => d.name.startsWith(`${file}: `)), file).toBe(true);
    expect(new Set(docs.map((d) => d.kind))).toEqual(new Set([...MUTATION_KINDS, 'empty file', '50 MB file']));
    const outcomes = await pool(docs, 2, async (d, k) => {
      const file = `${k}.json`;
      const validate = await spikeflow(['validate', file], work);
      // Runs are short: the documents run for 2 ms unless a mutation made them endless.
      const run = await spikeflow(['run', file, '--out-dir', `out-${k}`, '--engine', 'cpu'], work);
      fs.rmSync(path.join(work, `out-${k}`), { recursive: true, force: true });
      return { doc: d, validate, run };
    });

    const count = (f: (o: (typeof outcomes)[number]) => boolean) => outcomes.filter(f).length;
    const failures = outcomes.flatMap((o) => [
      ...(misbehaviour(o.validate) ? [`validate ${o.doc.name}: ${misbehaviour(o.validate)}\n${o.validate.stderr.slice(0, 400)}`] : []),
      ...(misbehaviour(o.run) ? [`run ${o.doc.name}: ${misbehaviour(o.run)}\n${o.run.stderr.slice(0, 400)}`] : []),
    ]);
    console.log([
      `fuzzed ${docs.length} documents (${new Set(docs.map((d) => d.kind)).size} kinds of mutation) through the CLI:`,
      `  validate: ${count((o) => o.validate.code === 0)} valid (exit 0), ${count((o) => o.validate.code === 1)} refused (exit 1)`,
      `  run:      ${count((o) => o.run.code === 0)} ran (exit 0), ${count((o) => o.run.code === 1)} refused or failed (exit 1)`,
      `  hung: ${count((o) => o.validate.timedOut || o.run.timedOut)}, killed: ${count((o) => !!(o.validate.signal || o.run.signal))}, misbehaved: ${failures.length}`,
    ].join('\n'));
    expect(failures).toEqual([]);
    if (process.env.SPIKEFLOW_FUZZ_REPORT) {
      fs.writeFileSync(process.env.SPIKEFLOW_FUZZ_REPORT, JSON.stringify(outcomes.map((o) => ({ name: o.doc.name, validate: o.validate, run: o.run })), null, 1));
    }
    // A document validate accepts runs, unless the run needs more memory than it may use or
    // its state diverges (found while running, and named).
    const refusedAfterValid = outcomes.filter((o) => o.validate.code === 0 && o.run.code !== 0 && !/it may use|became (NaN|infinite)/.test(o.run.stderr));
    expect(refusedAfterValid.map((o) => `${o.doc.name}: ${o.run.stderr.split('\n')[0]}`)).toEqual([]);
  }, 1_200_000);
});
