/**
 * A neuron reset at or above its threshold is warned about (src-main/compiler/reset-threshold.ts),
 * and the warning tells the truth: the run spikes at every step, input or none.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src-main/compiler/compile.js';
import { loadProjectFile } from '../../src-main/cli/load-project.js';
import { EXAMPLES } from '../helpers/cli.js';
import { makeDoc, runDoc } from '../helpers/doc.js';

const cell = (params: Record<string, unknown>) =>
  makeDoc([
    // Enough to reach threshold (V_inf = -49 mV), for the first 20 ms only.
    { id: 'drive', type: 'constant-current', params: { amplitude: '16 nA', stop: '20 ms' } },
    { id: 'cell', type: 'lif', size: 1, params },
    { id: 'sp', type: 'spike-probe' },
  ], ['drive.I -> cell.I', 'cell.spikes -> sp.spikes'], { duration: '100 ms' });

describe('a reset at or above the threshold', () => {
  it('is warned about on V_reset, naming both values and the rate it leads to, and the run does fire so', () => {
    const doc = cell({ V_th: '-55 mV', V_reset: '-50 mV', tau_ref: '5 ms' });
    const warnings = compile(doc).warnings.filter((w) => w.field === 'parameter "V_reset"');
    expect(warnings).toEqual([{ block: 'cell', field: 'parameter "V_reset"', message: 'V_reset = -50 mV is at or above V_th = -55 mV: after its first spike the neuron spikes at every step, whatever its input' }]);
    // Driven to its first spike, then without input: a spike at every step to the end of the
    // run (the threshold is tested in the refractory period too, where V is held at V_reset).
    const steps = (runDoc(doc).spikes.get('sp') ?? []).map(([step]) => step);
    const intervals = new Set(steps.slice(1).map((s, k) => s - steps[k]!));
    expect([...intervals]).toEqual([1]);
    expect(steps.at(-1)!).toBe(999);
  });

  it('is no warning for a reset below the threshold, a reset given per neuron, or any example', () => {
    expect(compile(cell({ V_th: '-50 mV', V_reset: '-65 mV' })).warnings.filter((w) => w.field === 'parameter "V_reset"')).toEqual([]);
    expect(compile(cell({ V_th: '-50 mV', V_reset: { dist: 'uniform', low: '-70 mV', high: '-45 mV' } })).warnings.filter((w) => w.field === 'parameter "V_reset"')).toEqual([]);
    for (const f of fs.readdirSync(EXAMPLES).filter((n) => n.endsWith('.json'))) {
      expect(compile(loadProjectFile(path.join(EXAMPLES, f))).warnings.filter((w) => w.field === 'parameter "V_reset"'), f).toEqual([]);
    }
  });
});
