/**
 * A small network of delta synapses against Brian2 2.5.1 (Debian's python3-brian, run with
 * /usr/bin/python3): spike-times → delta (feed-forward, delay 1 ms) → 12 LIF neurons, which
 * also connect among themselves through delta synapses (recurrent, delay 1.5 ms, excitatory
 * and inhibitory weights). bench/brian2/delta_network.py builds the same network, with the
 * connections and f32 weights of the compiled plan, scheduled to follow the contract of
 * assets/docs/models.md ("Voltage jumps"); both must fire on the same steps. Skipped, with
 * the reason printed, where /usr/bin/python3 cannot import brian2.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HostRandom } from '../../../src-main/compiler/host-random.js';
import type { PlanProjection } from '../../../src-main/compiler/plan.js';
import { makeDoc, runDoc } from '../../helpers/doc.js';

const SCRIPT = fileURLToPath(new URL('../../../bench/brian2/delta_network.py', import.meta.url));
const PYTHON = '/usr/bin/python3';

function brianProblem(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import brian2'], { encoding: 'utf8' });
  if (r.error) return `${PYTHON} cannot be run (${r.error.message})`;
  return r.status === 0 ? null : `${PYTHON} cannot import brian2 (install Debian's python3-brian)`;
}
const problem = brianProblem();
if (problem) console.log(`delta-brian2.test.ts skipped: ${problem}`);

function pairs(p: PlanProjection) {
  const pre: number[] = [], post: number[] = [], w: number[] = [];
  for (let i = 0; i < p.nPre; i++) {
    for (let c = p.byPre.ptr[i]!; c < p.byPre.ptr[i + 1]!; c++) { pre.push(i); post.push(p.byPre.idx[c]!); w.push(p.byPre.w[c]!); }
  }
  return { pre, post, w, d: Math.round(p.delay / 0.1) };
}

describe.skipIf(problem !== null)('delta synapses against Brian2', () => {
  it('fire on the same steps', () => {
    const rng = new HostRandom(42, 7);
    // 300 draws of (neuron, step), without repeats (Brian2's SpikeGeneratorGroup refuses them).
    const drawn = Array.from({ length: 300 }, () => `${Math.floor(rng.uniform() * 10)},${Math.floor(rng.uniform() * 1500)}`);
    const source = [...new Set(drawn)].map((x) => x.split(',').map(Number) as [number, number]);
    const lif = { V_rest: -65, V_reset: -70, V_th: -55, tau: 10, tau_ref: 2 };
    const doc = makeDoc([
      { id: 'src', type: 'spike-times', size: 10, params: { spikes: source.map(([n, s]) => [n, `${(s / 10).toFixed(1)} ms`]) } },
      { id: 'ff', type: 'delta', connection: { rule: 'fixed-probability', p: 0.5, weight: { dist: 'uniform', low: '1 mV', high: '6 mV' }, delay: '1 ms' } },
      { id: 'rec', type: 'delta', connection: { rule: 'fixed-probability', p: 0.3, selfConnections: false, weight: { dist: 'uniform', low: '-4 mV', high: '4 mV' }, delay: '1.5 ms' } },
      { id: 'cell', type: 'lif', size: 12, params: { V_rest: '-65 mV', V_reset: '-70 mV', V_th: '-55 mV', tau: '10 ms', tau_ref: '2 ms' } },
      { id: 'sp', type: 'spike-probe' },
    ], ['src.spikes -> ff.pre', 'ff.post -> cell.J', 'cell.spikes -> rec.pre', 'rec.post -> cell.J', 'cell.spikes -> sp.spikes'], { duration: '160 ms', seed: 3 });
    const out = runDoc(doc);
    const ours = [...(out.spikes.get('sp') ?? [])].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(ours.length).toBeGreaterThan(50);
    const proj = (id: string) => out.plan.projections.find((p) => p.synapse === id)!;
    expect(proj('ff').lag).toBe(10);
    expect(proj('rec').lag).toBe(16); // 15 steps of delay + 1 for the recurrent edge
    const dir = mkdtempSync(path.join(tmpdir(), 'spikeflow-delta-'));
    try {
      const file = path.join(dir, 'network.json');
      writeFileSync(file, JSON.stringify({
        dt_ms: 0.1, steps: out.plan.steps, n_src: 10, n: 12,
        source: out.plan.blocks.find((b) => b.id === 'src')!.schedule!.neurons.reduce<Array<[number, number]>>((acc, n, q) => {
          acc.push([n, out.plan.blocks.find((b) => b.id === 'src')!.schedule!.steps[q]!]);
          return acc;
        }, []),
        lif, ff: pairs(proj('ff')), rec: pairs(proj('rec')),
      }));
      const r = spawnSync(PYTHON, [SCRIPT, file], { encoding: 'utf8', timeout: 300_000 });
      expect(r.status, r.stderr).toBe(0);
      const brian = JSON.parse(r.stdout.trim().split('\n').pop()!) as { spikes: Array<[number, number]> };
      expect(ours).toEqual(brian.spikes);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 320_000);
});
