/**
 * The run's memory and work, estimated from sizes alone (src-main/compiler/estimate.ts), and
 * `checkModel`, which checks everything `compile` checks without drawing or allocating
 * anything per neuron or per connection.
 */
import { describe, expect, it } from 'vitest';
import { checkModel, compile } from '../../src-main/compiler/compile.js';
import { CompileError } from '../../src-main/compiler/diagnostics.js';
import {
  connectionCount, formatBytes, formatCount, largestConsumers, memoryProblem, parseMemorySize, STATE_BYTES,
} from '../../src-main/compiler/estimate.js';
import { makeDoc } from '../helpers/doc.js';

/** Poisson sources → exponential synapse → LIF cells, with probes on the cells. */
const net = (sources: number, cells: number, connection: Record<string, unknown> = { rule: 'all-to-all', weight: '1 nS' }, extra: Record<string, unknown> = {}) => makeDoc(
  [
    { id: 'src', type: 'poisson', size: sources, params: { rate: '10 Hz' } },
    { id: 'syn', type: 'exponential', params: { tau: '5 ms' }, connection: { ...connection } },
    { id: 'cells', type: 'lif', size: cells, ...extra },
    { id: 'V', type: 'state-probe', params: { state: 'V' } },
    { id: 'spikes', type: 'spike-probe' },
  ],
  ['src.spikes->syn.pre', 'syn.post->cells.I', 'cells.V->V.target', 'cells.spikes->spikes.spikes'],
  { duration: '10 ms' },
);

/** The diagnostics of a CompileError as "block: message" lines. */
function problems(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof CompileError) return e.diagnostics.map((d) => `${d.block ?? ''}: ${d.message}`);
    throw e;
  }
  return [];
}

describe('estimate', () => {
  it('counts connections of every rule without drawing them', () => {
    const c = (conn: Record<string, unknown>, same = false) => connectionCount({ selfConnections: true, delay: 0, ...conn } as never, 100, 50, same);
    expect(c({ rule: 'all-to-all' })).toBe(5000);
    expect(connectionCount({ rule: 'all-to-all', selfConnections: false, delay: 0 }, 50, 50, true)).toBe(2450);
    expect(connectionCount({ rule: 'one-to-one', selfConnections: true, delay: 0 }, 50, 50, false)).toBe(50);
    expect(c({ rule: 'fixed-probability', p: 0.1 })).toBeCloseTo(500);
    expect(c({ rule: 'fixed-indegree', indegree: 7 })).toBe(350);
    expect(c({ rule: 'pairs', pairs: [[0, 1], [2, 3]] })).toBe(2);
  });

  it('states, connections, spike history and recording buffers add up to the estimate, the largest first', () => {
    const { estimate } = checkModel(net(1000, 200));
    const byWhat = (block: string, what: RegExp) => estimate.consumers.find((c) => c.block === block && what.test(c.what));
    // LIF has 2 states (V, and the time of the last spike), each 24 B per neuron.
    expect(byWhat('cells', /^200 neurons × 2 states × 24 B$/)?.bytes).toBe(200 * 2 * STATE_BYTES);
    expect(byWhat('syn', /^200,000 connections × 8 B$/)?.bytes).toBe(200_000 * 8 + (1000 + 1) * 8);
    expect(byWhat('src', /^spike history of 1,000 neurons × 1 step × 5 B$/)?.bytes).toBe(5000);
    expect(byWhat('V', /^recording buffer of 200 neurons × \d+ samples × 16 B$/)).toBeDefined();
    expect(estimate.consumers[0]!.block).toBe('syn');
    const sorted = estimate.consumers.map((c) => c.bytes);
    expect(sorted).toEqual([...sorted].sort((a, b) => b - a));
    expect(estimate.bytes).toBe(sorted.reduce((a, b) => a + b, 0));
    expect(estimate.connections).toBe(200_000);
    // 100 steps × (1000 sources + 200 synapse elements + 200 cells).
    expect(estimate.elementUpdates).toBe(100 * 1400);
  });

  it('names the largest consumers in one line when a run exceeds its limit', () => {
    const { estimate } = checkModel(net(1e9, 1e9, { rule: 'one-to-one' }));
    const problem = memoryProblem(estimate, { bytes: 8e9, source: '--max-memory 8 GB' })!;
    expect(problem).toMatch(/^the run needs about [\d.]+ GB, more than the 8 GB it may use \(--max-memory 8 GB\): /);
    expect(problem).toContain('block cells: 1e9 neurons × 2 states × 24 B ≈ 48 GB');
    expect(problem.split('\n')).toHaveLength(1);
    expect(memoryProblem(estimate, { bytes: estimate.bytes, source: 'x' })).toBeNull();
    expect(largestConsumers(estimate, 1)).toMatch(/; and \d+ smaller$/);
  });

  it('reads and writes amounts of memory', () => {
    expect(parseMemorySize('8 GB')).toBe(8e9);
    expect(parseMemorySize('512MB')).toBe(512e6);
    expect(parseMemorySize('1.5 GiB')).toBe(1.5 * 2 ** 30);
    expect(parseMemorySize('1000')).toBe(1000);
    for (const bad of ['', 'lots', '-1 GB', '0', '5 parsecs', 'Infinity']) expect(() => parseMemorySize(bad)).toThrow(/is not an amount of memory/);
    expect(formatBytes(64e9)).toBe('64 GB');
    expect(formatBytes(1536)).toBe('1.54 kB');
    expect(formatBytes(12)).toBe('12 B');
    expect(formatCount(1e9)).toBe('1e9');
    expect(formatCount(2.56e8)).toBe('2.56e8');
    expect(formatCount(256000)).toBe('256,000');
  });
});

describe('checkModel', () => {
  it('checks a 1e9-neuron block without allocating per neuron, and compile refuses it under a limit before drawing', () => {
    const doc = net(1e9, 1e9, { rule: 'one-to-one' });
    const before = process.memoryUsage().arrayBuffers;
    const check = checkModel(doc);
    // One Float64 array for 1e9 neurons would be 8 GB; nothing near a megabyte may have stayed.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1e6);
    expect(check.estimate.bytes).toBeGreaterThan(1e11);
    expect(check.steps).toBe(100);
    expect(problems(() => compile(doc, {}, { memoryLimit: { bytes: 1e9, source: 'test' } }))).toEqual([
      expect.stringMatching(/^cells: the run needs about [\d.]+ GB, more than the 1 GB it may use \(test\): block cells: 1e9 neurons × 2 states × 24 B ≈ 48 GB; .*; and \d+ smaller$/),
    ]);
  });

  it('compile refuses a 1e8-neuron block with per-neuron parameters under a limit before drawing them', () => {
    // 1e8 neurons × 8 B per drawn parameter: 0.8 GB each if drawn before the estimate.
    const doc = net(1e8, 1e8, { rule: 'one-to-one' }, { params: { tau: { dist: 'uniform', low: '9 ms', high: '11 ms' }, V_rest: { expr: '-65 mV + 2 mV * r' } } });
    const before = process.memoryUsage().arrayBuffers;
    expect(problems(() => compile(doc, {}, { memoryLimit: { bytes: 1e8, source: 'test' } }))).toEqual([
      expect.stringMatching(/^cells: the run needs about [\d.]+ GB, more than the 100 MB it may use \(test\)/),
    ]);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1e6);
  });

  it('finds every problem compile finds, including those found while drawing', () => {
    const cases: Array<[string, ReturnType<typeof makeDoc>]> = [
      ['indegree', net(10, 10, { rule: 'fixed-indegree', indegree: 11 })],
      ['pairs', net(10, 10, { rule: 'pairs', pairs: [[0, 10]] })],
      ['weight unit', net(10, 10, { rule: 'all-to-all', weight: '1 mV' })],
      ['weight sd', net(10, 10, { rule: 'all-to-all', weight: { dist: 'normal', mean: '1 nS', sd: '-1 nS' } })],
      ['p missing', net(10, 10, { rule: 'fixed-probability' })],
      ['init state', net(10, 10, undefined, { init: { W: '1 mV' } })],
      ['init unit', net(10, 10, undefined, { init: { V: '1 nA' } })],
    ];
    for (const [what, doc] of cases) {
      const fromCompile = problems(() => compile(doc));
      expect(fromCompile, what).not.toEqual([]);
      expect(problems(() => checkModel(doc)), what).toEqual(fromCompile);
    }
  });

  it('gives the warnings, step count and estimate of the model compile builds', () => {
    const doc = net(50, 20, { rule: 'fixed-probability', p: 0.3, weight: { dist: 'uniform', low: '1 nS', high: '2 nS' } });
    const plan = compile(doc);
    const check = checkModel(doc);
    expect(check.steps).toBe(plan.steps);
    expect(check.warnings).toEqual(plan.warnings);
    expect([check.blocks, check.synapses, check.probes]).toEqual([plan.blocks.length, plan.projections.length, plan.probes.length]);
    // The expected connection count is within a few standard deviations of the one drawn.
    const drawn = plan.projections[0]!.byPre.idx.length;
    expect(Math.abs(check.estimate.connections - drawn)).toBeLessThan(5 * Math.sqrt(1000 * 0.3 * 0.7));
  });
});

describe('estimate of per-connection delays', () => {
  it('counts an Int32 lag per connection where each connection has its own delay', () => {
    const fixed = checkModel(net(100, 10, { rule: 'all-to-all', weight: '1 nS', delay: '1 ms' })).estimate;
    const varying = checkModel(net(100, 10, { rule: 'all-to-all', weight: '1 nS', delay: { dist: 'uniform', low: '1 ms', high: '2 ms' } })).estimate;
    const syn = (e: typeof fixed) => e.consumers.find((c) => c.block === 'syn' && /connections/.test(c.what))!;
    expect(syn(fixed).what).toBe('1,000 connections × 8 B');
    expect(syn(varying).what).toBe('1,000 connections × 12 B');
    expect(syn(varying).bytes - syn(fixed).bytes).toBe(1000 * 4);
  });
});
