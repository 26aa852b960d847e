/**
 * `spikeflow run … --continue-from <run>` through the real CLI: a 50 ms run continued by
 * another 50 ms ends with the final weights one 100 ms run has (spike-times sources, so the
 * spikes are the same), the continued run's settings name the run it continued, and a model
 * whose plastic synapse has other connections is refused in one line naming it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConnectionStates } from '../../src-main/store/connection-states.js';
import { openLab } from '../../src-main/store/lab.js';
import { cli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'spikeflow-continue-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PRE = [[3.0, 21.2, 64.0, 65.5, 98.0], [9.5, 11.0, 70.0, 90.5], [0.5, 35.0, 61.5, 99.0]];
const DRIVE = [[10.0, 24.0, 38.0, 62.0, 72.0, 95.0], [5.0, 21.5, 39.0, 66.0, 90.5]];

/** A project file with the spikes of [from, to) ms, shifted to start at 0. */
function project(name: string, from: number, to: number, cells = 2): string {
  const keep = (times: number[][]) => times.slice(0, name === 'narrow' ? cells : times.length)
    .flatMap((ts, n) => ts.filter((t) => t >= from && t < to).map((t) => [n, `${(t - from).toFixed(1)} ms`]));
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({
    format: 'spikeflow-project', version: 2, name,
    run: { dt: '0.1 ms', duration: `${to - from} ms`, seed: 5 },
    blocks: [
      { id: 'pre', type: 'spike-times', size: PRE.length, params: { spikes: keep(PRE) } },
      { id: 'stdp', type: 'stdp', params: { A_pre: 0.2, A_post: -0.21 }, connection: { rule: 'all-to-all', weight: { dist: 'uniform', low: '0 uS', high: '0.01 uS' }, delay: '0 ms' } },
      { id: 'drive', type: 'spike-times', size: cells, params: { spikes: keep(DRIVE.slice(0, cells)) } },
      { id: 'kick', type: 'delta', connection: { rule: 'one-to-one', weight: '30 mV' } },
      { id: 'cell', type: 'lif', size: cells, params: { tau_ref: '1 ms' } },
      { id: 'sp', type: 'spike-probe' },
    ],
    edges: [['pre.spikes', 'stdp.pre'], ['stdp.post', 'cell.I'], ['drive.spikes', 'kick.pre'], ['kick.post', 'cell.J'], ['cell.spikes', 'sp.spikes']]
      .map(([f, t]) => ({ from: f, to: t })),
  }));
  return file;
}

describe('spikeflow run --continue-from', () => {
  const db = join(dir, 'lab.sqlite');
  const run = (file: string, ...more: string[]) => cli('run', file, '--engine', 'cpu', '--out-dir', join(dir, 'out'), '--db', db, '--project', 'stdp', ...more);

  it('50 ms and 50 ms more end with the final weights of one 100 ms run; other connections are refused by name', () => {
    const first = run(project('first', 0, 50));
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('run 1 saved in the lab store');
    const second = run(project('second', 50, 100), '--continue-from', '1');
    expect(second.code, second.stderr).toBe(0);
    const whole = run(project('whole', 0, 100));
    expect(whole.code, whole.stderr).toBe(0);

    const lab = openLab(db);
    try {
      const [continued, once] = [loadConnectionStates(lab, 2)[0]!, loadConnectionStates(lab, 3)[0]!];
      expect(Array.from(continued.w)).toEqual(Array.from(once.w));
      expect(Array.from(continued.states.a_pre!)).toEqual(Array.from(once.states.a_pre!));
      expect(Array.from(continued.w)).not.toEqual(Array.from(loadConnectionStates(lab, 1)[0]!.w));
      expect(lab.runs.get(2).settings).toMatchObject({ continueFrom: 1 });
    } finally {
      lab.close();
    }

    const narrow = run(project('narrow', 50, 100, 1), '--continue-from', '1');
    expect(narrow.code).toBe(1);
    expect(narrow.stderr.trim()).toBe('spikeflow: cannot continue from run 1: synapse "stdp" connects 3 to 2 neurons in run 1, 3 to 1 here');
    const missing = run(project('second', 50, 100), '--continue-from', '99');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/run 99/);
  });
});
