/** `spikeflow validate` and `run` print a compile warning on stderr and still exit 0. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spikeflow-warn-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const lonely = path.join(tmp, 'lonely.json');
fs.writeFileSync(lonely, JSON.stringify({
  format: 'spikeflow-project', version: 2, name: 'lonely',
  run: { dt: '0.1 ms', duration: '20 ms', seed: 1 },
  blocks: [{ id: 'cell', type: 'lif', size: 1, params: {}, init: {} }, { id: 'v', type: 'state-probe', params: {}, init: {} }],
  edges: [{ from: 'cell.V', to: 'v.target' }],
}));

const WARNING = 'warning: block "cell", input "I": nothing drives this neuron: no synapse or current source is connected, and it does not fire on its own';

describe('compile warnings on the command line', () => {
  it('validate prints the warning on stderr; the model is valid (exit 0)', () => {
    const r = cli('validate', lonely);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/: valid — 1 block/);
    expect(r.stderr.trim().split('\n')).toEqual([WARNING]);
  });

  it('run prints it too, and runs (exit 0)', () => {
    const r = cli('run', lonely, '--out-dir', path.join(tmp, 'out'), '--engine', 'cpu');
    expect(r.code).toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([WARNING]);
    expect(r.stdout).toMatch(/^finished: 20\.0 ms simulated/);
  });
});
