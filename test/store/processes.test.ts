/**
 * Real processes against one lab file: a writer killed with SIGKILL in the middle of a run,
 * and two writers recording runs at the same time.
 *
 * Decision on killed runs: the run stays 'running' on disk (the process had no chance to
 * say otherwise); the next writable open of the lab sees that its writer (pid on this host)
 * is gone and marks it 'failed' with a message starting "interrupted", keeping every chunk
 * committed before the kill. Read-only views report it the same way without writing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openLab } from '../../src-main/store/lab.js';
import { parseDocument } from '../../src-shared/document/load.js';
import { CHILD_SCRIPT, LAYOUTS, sampleDocument, spikesAt, stateValue, tempLabPath } from './helpers.js';

const REPO = path.resolve(import.meta.dirname, '..', '..');

function child(...args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', CHILD_SCRIPT, ...args], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Resolves when the child prints `line`. */
function printed(proc: ChildProcess, line: string): Promise<void> {
  return new Promise((resolve) => {
    let text = '';
    proc.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.split('\n').includes(line)) resolve();
    });
  });
}

/** Resolves with the exit code or signal; collects stderr for failure messages. */
function exited(proc: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal, stderr })));
}

/** Creates the lab and project "P" up front, as the app would have. */
function preparedLab(): string {
  const file = tempLabPath();
  const lab = openLab(file);
  lab.projects.create('P', parseDocument(sampleDocument('P')));
  lab.close();
  return file;
}

describe('a run killed mid-way', () => {
  it('leaves a lab that opens, passes integrity_check and shows the partial run as interrupted', async () => {
    const file = preparedLab();
    const proc = child('crash', file);
    const done = exited(proc);
    let runId = 0;
    let committed = 0;
    await new Promise<void>((resolve, reject) => {
      let buffered = '';
      proc.stdout!.on('data', (d: Buffer) => {
        buffered += d.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) {
          const [word, value] = line.split(' ');
          if (word === 'run') runId = Number(value);
          if (word === 'committed') committed = Number(value);
          if (committed >= 3000 && proc.kill('SIGKILL')) resolve();
        }
      });
      proc.on('exit', () => reject(new Error('the child exited before it was killed')));
    });
    const { signal, stderr } = await done;
    expect(signal, stderr).toBe('SIGKILL');

    // A reader that does not write first: the run shows as interrupted already.
    const viewer = openLab(file, { readonly: true });
    expect(viewer.runs.get(runId).status).toBe('failed');
    viewer.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare('SELECT status FROM runs WHERE id = ?').get(runId)).toEqual({ status: 'running' });
    raw.close();

    const lab = openLab(file);
    expect(lab.db.pragma('integrity_check', { simple: true })).toBe('ok');
    const run = lab.runs.get(runId);
    expect(run.status).toBe('failed');
    expect(run.message).toMatch(/^interrupted: the recording process \(pid \d+\) stopped before the run ended; recordings are kept up to t = [\d.]+ ms$/);
    expect(run.endedAt).not.toBeNull();
    // Everything reported committed is there and correct (perhaps a little more).
    const state = lab.recordings.readState(runId, 'v');
    expect(state.firstSample).toBe(0);
    expect(state.samples).toBeGreaterThanOrEqual(committed);
    const wrong: number[] = [];
    for (let s = 0; s < state.samples; s++) for (let c = 0; c < 3; c++) if (!Object.is(state.values[s * 3 + c], stateValue(s, c))) wrong.push(s);
    expect(wrong).toEqual([]);
    const spikes = lab.recordings.readSpikes(runId, 'sp', { toMs: (committed * 2 - 1) * 0.1 });
    expect(spikes.steps.length).toBe(Array.from({ length: committed * 2 }, (_, step) => spikesAt(step).length).reduce((a, b) => a + b));
    expect(lab.runs.probes(runId)).toEqual(LAYOUTS);
    // The lab keeps working: the next run records normally.
    expect(lab.projects.open('P').version.number).toBe(1);
    lab.close();
  }, 15_000);
});

describe('two processes writing one lab', () => {
  it('both record their runs completely (WAL + busy_timeout + immediate transactions)', async () => {
    const file = preparedLab();
    const procs = [child('runs', file, 'writer-a', '4', '8', '2'), child('runs', file, 'writer-b', '4', '8', '2')];
    const results = Promise.all(procs.map(exited));
    await Promise.race([Promise.all(procs.map((p) => printed(p, 'ready'))), results]);
    for (const p of procs) p.stdin!.end('go\n');
    for (const r of await results) expect(r.code, r.stderr).toBe(0);

    const lab = openLab(file);
    expect(lab.db.pragma('integrity_check', { simple: true })).toBe('ok');
    const runs = lab.runs.list();
    expect(runs.filter((r) => r.engine === 'writer-a')).toHaveLength(4);
    expect(runs.filter((r) => r.engine === 'writer-b')).toHaveLength(4);
    for (const run of runs) {
      expect(run.status).toBe('finished');
      const state = lab.recordings.readState(run.id, 'v');
      expect(state.samples).toBe(800);
      let ok = true;
      for (let s = 0; s < 800 && ok; s++) for (let c = 0; c < 3; c++) ok &&= Object.is(state.values[s * 3 + c], stateValue(s, c));
      expect(ok).toBe(true);
      expect(run.summary?.probes?.v?.rows).toBe(800);
    }
    // The writers really took turns (else this test would prove nothing): in commit order,
    // chunks switch from one writer to the other more than once. The children's round barrier
    // (run i+1 starts once both finished run i) makes this hold on a loaded machine too.
    const order = lab.db.prepare('SELECT r.engine FROM chunks c JOIN runs r ON r.id = c.run_id ORDER BY c.id').all() as Array<{ engine: string }>;
    const switches = order.filter((row, i) => i > 0 && row.engine !== order[i - 1]!.engine).length;
    expect(switches).toBeGreaterThan(2);
    lab.close();
  }, 15_000);
});
