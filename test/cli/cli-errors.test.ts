/**
 * Bad input at the command line (issue 2, "Done means"): malformed JSON, an unknown block,
 * a wrong unit, zero or negative time constants, an unconnected required port, mismatched
 * one-to-one sizes, a missing file and a run whose state becomes NaN each end with one
 * message on stderr that names the file, block or field, a non-zero exit code and no stack
 * trace. The real CLI is spawned for each of those (≈0.5 s a spawn, so only for them, one
 * `validate` and one `--explain`); everything else goes through compile() in-process.
 *
 * An algebraic loop cannot be written with the built-in blocks: socket types force a
 * synapse onto every cycle. A test below proves that from the library (and fails, asking
 * for a CLI test, the day a block makes one possible); the compiler's message for a loop
 * is checked with a stand-in block, and the ordering itself in test/compiler/graph-order.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cli, EXAMPLES, type CliResult } from '../helpers/cli.js';
import { BLOCKS } from '../../kernels/index.js';
import type { BlockDef } from '../../kernels/types.js';
import { loadProjectFile } from '../../src-main/cli/load-project.js';
import { compile } from '../../src-main/compiler/compile.js';
import { CompileError, type Diagnostic } from '../../src-main/compiler/diagnostics.js';
import { parseDocument } from '../../src-shared/document/load.js';

/** The checks every bad input shares; returns the message without the "spikeflow: " prefix. */
function expectOneMessage(r: CliResult): string {
  expect(r.code, `exit code; stderr: ${r.stderr}`).not.toBe(0);
  expect(r.code).not.toBeNull();
  expect(r.stderr).not.toMatch(/^\s+at /m); // no stack frames
  expect(r.stderr).not.toMatch(/\b(TypeError|ReferenceError|RangeError|SyntaxError|Error):/);
  expect(r.stderr).not.toContain('node:internal');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^spikeflow: \S/);
  return lines[0]!.slice('spikeflow: '.length);
}

/** The message after the file it names (every refusal of a document names its file first). */
function afterFile(m: string, path: string): string {
  expect(m.startsWith(`${path}: `), m).toBe(true);
  return m.slice(path.length + 2);
}

const HEAD = { format: 'spikeflow-project', version: 2, name: 'bad input', run: { dt: '0.1 ms', duration: '10 ms', seed: 1 } };

/** A spike source → synapse → LIF chain with optional overrides, as a document object. */
function chain(o: { syn?: Record<string, unknown>; cell?: Record<string, unknown>; src?: Record<string, unknown>; edges?: Array<[string, string]> } = {}) {
  return {
    ...HEAD,
    blocks: [
      { id: 'src', type: 'spike-times', size: 1, params: { spikes: [[0, '1 ms']] }, ...o.src },
      { id: 'syn', type: 'exponential', ...o.syn },
      { id: 'cell', type: 'lif', size: 1, ...o.cell },
    ],
    edges: (o.edges ?? [['src.spikes', 'syn.pre'], ['syn.post', 'cell.I']]).map(([from, to]) => ({ from, to })),
  };
}

let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'spikeflow-cli-'));
  const write = (name: string, doc: unknown) => writeFileSync(file(name), JSON.stringify(doc, null, 2));
  writeFileSync(file('malformed.json'), '{\n  "format": "spikeflow-project",\n  "version": 2,\n  "blocks": [ { "id": "a", } ]\n}\n');
  write('unknown-block.json', chain({ cell: { type: 'lif-neuron' } }));
  write('wrong-unit.json', chain({ cell: { params: { tau: '5 mV' } } }));
  write('zero-tau.json', chain({ cell: { params: { tau: '0 ms' } } }));
  write('negative-tau.json', chain({ syn: { params: { tau: '-5 ms' } } }));
  write('unconnected.json', chain({ edges: [['syn.post', 'cell.I']] }));
  write('one-to-one.json', chain({
    src: { type: 'poisson', size: 10, params: { rate: '10 Hz' } },
    cell: { size: 8 },
    syn: { connection: { rule: 'one-to-one', weight: '1 nS' } },
  }));
  // A Hodgkin–Huxley cell with every conductance switched off: G = 0, so V_inf = 0/0 and the
  // membrane time constant C/G is infinite; V becomes NaN in the first step.
  write('diverges.json', {
    ...HEAD,
    blocks: [
      { id: 'drive', type: 'constant-current', params: { amplitude: '1 nA' } },
      { id: 'cell', type: 'hh', size: 1, params: { gNa: '0 uS', gK: '0 uS', gL: '0 uS' } },
      { id: 'V', type: 'state-probe', params: { state: 'V' } },
    ],
    // Driven, so that the only message is the NaN (an undriven neuron would add a warning).
    edges: [{ from: 'drive.I', to: 'cell.I' }, { from: 'cell.V', to: 'V.target' }],
  });
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('spikeflow CLI: each bad input ends with one message and a non-zero exit code', () => {
  it('malformed JSON names the file', () => {
    const m = expectOneMessage(cli('validate', file('malformed.json')));
    expect(m).toContain(file('malformed.json'));
    expect(m).toContain('is not valid JSON');
  });

  it('an unknown block type names the block and the type', () => {
    const m = afterFile(expectOneMessage(cli('validate', file('unknown-block.json'))), file('unknown-block.json'));
    expect(m).toMatch(/^block "cell"(, type)?: unknown block type "lif-neuron"/);
  });

  it('a wrong unit ("5 mV" for a time constant) names block, parameter and the expected dimension', () => {
    const m = afterFile(expectOneMessage(cli('validate', file('wrong-unit.json'))), file('wrong-unit.json'));
    expect(m).toBe('block "cell", parameter "tau": "5 mV" is a voltage, expected a time (ms)');
  });

  it('a zero time constant is refused', () => {
    const m = afterFile(expectOneMessage(cli('validate', file('zero-tau.json'))), file('zero-tau.json'));
    expect(m).toBe('block "cell", parameter "tau": "0 ms" must be greater than 0 ms');
  });

  it('a negative time constant is refused before a run starts', () => {
    const r = cli('run', file('negative-tau.json'), '--engine', 'cpu', '--out-dir', file('out-negative'));
    const m = afterFile(expectOneMessage(r), file('negative-tau.json'));
    expect(m).toBe('block "syn", parameter "tau": "-5 ms" must be greater than 0 ms');
    expect(r.stdout).toBe('');
    expect(readdirSync(dir)).not.toContain('out-negative');
  });

  it('a required port left unconnected names the block and the port', () => {
    const m = afterFile(expectOneMessage(cli('validate', file('unconnected.json'))), file('unconnected.json'));
    expect(m).toMatch(/^block "syn", input "pre": .*required.*not connected/);
  });

  it('mismatched one-to-one sizes name the synapse and both sizes', () => {
    const m = afterFile(expectOneMessage(cli('validate', file('one-to-one.json'))), file('one-to-one.json'));
    expect(m).toMatch(/^block "syn", connection: rule "one-to-one" needs equal sizes/);
    expect(m).toContain('10');
    expect(m).toContain('8');
  });

  it('a missing file names the file', () => {
    const missing = file('no-such-project.json');
    const m = expectOneMessage(cli('run', missing, '--engine', 'cpu', '--out-dir', file('out-missing')));
    expect(m).toBe(`cannot read ${missing}: no such file`);
  });

  it('an output folder that cannot be made names the folder, and returns (even under /proc)', () => {
    const example = join(EXAMPLES, 'ampa-lif.json');
    const blocker = file('a-file');
    writeFileSync(blocker, 'not a folder');
    expect(expectOneMessage(cli('run', example, '--engine', 'cpu', '--out-dir', join(blocker, 'out')))).toMatch(/^cannot create the output folder .*a-file\/out: .*a-file is not a folder/);
    // Node's mkdirSync(…, { recursive: true }) never returned here (src-main/files/make-folder.ts).
    if (existsSync('/proc/self')) {
      expect(expectOneMessage(cli('run', example, '--engine', 'cpu', '--out-dir', '/proc/spikeflow-out'))).toMatch(/^cannot create the output folder \/proc\/spikeflow-out: /);
    }
  }, 130_000);

  it('a run whose state becomes NaN stops and names the block and the state', () => {
    const r = cli('run', file('diverges.json'), '--engine', 'cpu', '--out-dir', file('out-nan'));
    const m = expectOneMessage(r);
    expect(m).toMatch(/^block "cell": state "V" of neuron 0 became NaN by t = [\d.]+ ms \(after t = [\d.]+ ms\)/);
    // What was recorded before is kept, and said where.
    expect(m).toMatch(new RegExp(`; what was recorded before it is in \\d+ CSV file\\(s\\) in ${file('out-nan').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    expect(readdirSync(file('out-nan')).filter((f) => f.endsWith('.csv')).length).toBeGreaterThan(0);
    expect(r.stdout).not.toMatch(/^finished/m);
  });
});

describe('spikeflow CLI: good input', () => {
  it('validate accepts an example and summarises it on stdout', () => {
    const example = join('assets', 'examples', 'ampa-lif.json');
    const r = cli('validate', example);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(new RegExp(`^${example.replace(/[.\\/]/g, '\\$&')}: valid — 3 blocks, 1 synapse blocks?, 3 probes, 1000 steps; needs about [0-9.]+ k?B of memory and 3,000 element updates \\(1 connection\\)$`));
  });

  it('validate’s checks (load + compile) accept every bundled example', () => {
    // The same two calls as the `validate` action in src-main/cli/main.ts, without a
    // process per example.
    const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) {
      expect(() => compile(loadProjectFile(join(EXAMPLES, f))), f).not.toThrow();
    }
  });

  it('run --explain prints the order inside a step and the passes (COBA: one cycle, synapses first)', () => {
    const r = cli('run', join('assets', 'examples', 'coba.json'), '--explain');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(/^plan "COBA benchmark": dt 0\.1 ms, 10000 steps \(1000 ms\), seed 1$/m);
    expect(out).toContain('order inside a step (strongly connected components):');
    expect(out).toMatch(/^ {2}1\. EE, EI, IE, II, E, I {2}\(cycle: synapses first, recurrent edges one step late\)$/m);
    expect(out).toContain('passes:');
    const passes = out.slice(out.indexOf('passes:')).split('\n').filter((l) => /^\s+\d+\. /.test(l)).map((l) => l.trim());
    expect(passes[0]).toBe('1. update EE');
    expect(passes).toContain('2. propagate spikes into EE');
    expect(passes).toContain('3. current of EE');
    // Every synapse runs before the neurons of its component.
    const at = (s: string) => passes.findIndex((p) => p.endsWith(s));
    for (const syn of ['EE', 'EI', 'IE', 'II']) {
      expect(at(`current of ${syn}`)).toBeLessThan(at('update E'));
      expect(at(`current of ${syn}`)).toBeLessThan(at('update I'));
    }
    expect(out).toMatch(/E → EE → E: \d+ synapses .* reads spikes 1 step\(s\) late/);
  });
});

/** Compiles a document object; returns the diagnostics of the CompileError it throws. */
function diagnostics(doc: unknown): Diagnostic[] {
  try {
    compile(parseDocument(doc));
  } catch (e) {
    if (e instanceof CompileError) return e.diagnostics;
    throw e;
  }
  throw new Error('expected a CompileError');
}

describe('compile(): the same bad inputs and more, in-process', () => {
  it.each([
    ['unknown block type', chain({ cell: { type: 'lif-neuron' } }), { block: 'cell', field: 'type' }],
    ['wrong unit', chain({ syn: { params: { tau: '5 mV' } } }), { block: 'syn', field: 'parameter "tau"' }],
    ['zero time constant', chain({ syn: { params: { tau: 0 } } }), { block: 'syn', field: 'parameter "tau"' }],
    ['negative time constant', chain({ cell: { params: { tau: '-1 s' } } }), { block: 'cell', field: 'parameter "tau"' }],
    ['rate where a time belongs', chain({ cell: { params: { tau_ref: '5 Hz' } } }), { block: 'cell', field: 'parameter "tau_ref"' }],
    ['missing unit', chain({ cell: { params: { V_th: '-50' } } }), { block: 'cell', field: 'parameter "V_th"' }],
    ['unknown parameter', chain({ cell: { params: { taux: '1 ms' } } }), { block: 'cell', field: 'parameter "taux"' }],
    ['enum out of range', chain({ syn: { params: { output: 'voltage' } } }), { block: 'syn', field: 'parameter "output"' }],
    ['unconnected required input', chain({ edges: [['syn.post', 'cell.I']] }), { block: 'syn', field: 'input "pre"' }],
    ['one-to-one sizes', chain({ src: { size: 3 }, cell: { size: 2 }, syn: { connection: { rule: 'one-to-one' } } }), { block: 'syn', field: 'connection' }],
    ['socket mismatch', chain({ edges: [['src.spikes', 'syn.pre'], ['syn.post', 'cell.I'], ['cell.V', 'syn.pre']] }), { block: 'syn' }],
    ['unknown port', chain({ edges: [['src.spikes', 'syn.pre'], ['syn.out', 'cell.I']] }), { block: 'syn' }],
    ['edge to a missing block', chain({ edges: [['src.spikes', 'syn.pre'], ['syn.post', 'cel.I']] }), {}],
    ['size on a synapse', chain({ syn: { size: 4 } }), { block: 'syn', field: 'size' }],
    ['duplicate id', { ...chain(), blocks: [...chain().blocks, { id: 'cell', type: 'lif' }] }, { block: 'cell' }],
    ['initial value of an unknown state', chain({ cell: { init: { U: '-65 mV' } } }), { block: 'cell' }],
    ['initial value with a wrong unit', chain({ cell: { init: { V: '-65 ms' } } }), { block: 'cell' }],
    ['negative delay', chain({ syn: { connection: { delay: '-1 ms' } } }), { block: 'syn', field: 'connection' }],
    ['zero dt', { ...chain(), run: { dt: '0 ms', duration: '10 ms', seed: 1 } }, { field: 'run.dt' }],
    ['dt with a wrong unit', { ...chain(), run: { dt: '0.1 mV', duration: '10 ms', seed: 1 } }, { field: 'run.dt' }],
  ] as Array<[string, unknown, Partial<Diagnostic>]>)('%s', (_, doc, where) => {
    const list = diagnostics(doc);
    expect(list.length).toBeGreaterThan(0);
    const first = list[0]!;
    if (where.block !== undefined) expect(first.block).toBe(where.block);
    if (where.field !== undefined) expect(first.field).toBe(where.field);
    expect(first.message.trim()).not.toBe('');
    expect(first.message).not.toContain('\n');
  });

  // KNOWN BUG (reported): compile.ts checks `required` only on inputs, so a synapse whose
  // required output "post" goes nowhere compiles, runs and records nothing. Remove `.fails`
  // once compile.ts reports it (block "syn", output "post").
  it('a synapse whose required output "post" is unconnected', () => {
    const list = diagnostics(chain({ edges: [['src.spikes', 'syn.pre']] }));
    expect(list[0]!.block).toBe('syn');
    expect(list[0]!.field).toBe('output "post"');
  });

  it('quotes the unit problem in the message', () => {
    const [d] = diagnostics(chain({ cell: { params: { tau_ref: '5 Hz' } } }));
    expect(d!.message).toBe('"5 Hz" is a rate, expected a time (ms)');
    const [m] = diagnostics(chain({ cell: { params: { V_th: '-50' } } }));
    expect(m!.message).toBe('"-50" needs a unit (mV)');
  });

  it('reports several problems at once, one line each', () => {
    const e = (() => {
      try {
        compile(parseDocument(chain({ syn: { params: { tau: '5 mV' } }, cell: { params: { tau: 0 } } })));
      } catch (err) {
        return err as CompileError;
      }
      throw new Error('expected a CompileError');
    })();
    expect(e.message.split('\n')).toEqual([
      'block "syn", parameter "tau": "5 mV" is a voltage, expected a time (ms)',
      'block "cell", parameter "tau": 0 must be greater than 0 ms',
    ]);
  });
});

describe('algebraic loops', () => {
  const nonProbe = BLOCKS.filter((b) => b.category !== 'probe');

  /** Whether compile() accepts an edge from `a`'s output `out` to `b`'s input `inp`. */
  function edgeAccepted(a: BlockDef, out: string, b: BlockDef, inp: string, same: boolean): boolean {
    const block = (id: string, def: BlockDef) => ({ id, type: def.type, ...(def.sized ? { size: 1 } : {}) });
    const blocks = same ? [block('a', a)] : [block('a', a), block('b', b)];
    const doc = parseDocument({ ...HEAD, blocks, edges: [{ from: `a.${out}`, to: `${same ? 'a' : 'b'}.${inp}` }] });
    try {
      compile(doc);
      return true;
    } catch (e) {
      if (!(e instanceof CompileError)) throw e;
      return !e.diagnostics.some((d) => d.field?.startsWith('edge '));
    }
  }

  it('cannot be built from the block library: every cycle passes through a synapse', () => {
    // Block types joined by an edge the compiler accepts, with no synapse at either end.
    const links = new Map<string, Set<string>>();
    for (const a of nonProbe) {
      for (const b of nonProbe) {
        if (a.category === 'synapse' || b.category === 'synapse') continue;
        for (const out of Object.keys(a.outputs)) {
          for (const inp of Object.keys(b.inputs)) {
            for (const same of a === b ? [true, false] : [false]) {
              if (edgeAccepted(a, out, b, inp, same)) {
                if (!links.has(a.type)) links.set(a.type, new Set());
                links.get(a.type)!.add(b.type);
              }
            }
          }
        }
      }
    }
    // Currents flow from current sources into neurons, and nothing flows back.
    expect([...links.keys()].every((t) => BLOCKS.find((b) => b.type === t)!.category === 'current')).toBe(true);
    // No cycle among those types (any instance count): depth-first search for a back edge.
    const state = new Map<string, 'open' | 'done'>();
    const cyclic = (t: string): boolean => {
      if (state.get(t) === 'open') return true;
      if (state.get(t) === 'done') return false;
      state.set(t, 'open');
      const found = [...(links.get(t) ?? [])].some(cyclic);
      state.set(t, 'done');
      return found;
    };
    const loop = [...links.keys()].find(cyclic);
    expect(loop, 'a document can now contain an algebraic loop: add a CLI test for it').toBeUndefined();
  });

  it('are refused by compile() with the blocks of the loop named (stand-in block)', async () => {
    // A stand-in neuron with a current output: two of them feeding each other form a cycle
    // through no synapse, which the real library cannot express.
    const relay: BlockDef = {
      type: 'relay', category: 'neuron', title: 'Relay', doc: 'test stand-in', references: ['test'],
      template: 'elementwise', sized: true, params: {}, states: {},
      inputs: { I: { type: 'current', unit: 'nA', doc: 'in' } },
      outputs: { out: { type: 'current', unit: 'nA', doc: 'out' } },
      update: ['spike = false'],
    };
    vi.resetModules();
    vi.doMock('../../kernels/index.js', async (importOriginal) => {
      const real = await importOriginal<typeof import('../../kernels/index.js')>();
      return { ...real, blockDef: (type: string) => (type === 'relay' ? relay : real.blockDef(type)) };
    });
    try {
      const mocked = await import('../../src-main/compiler/compile.js');
      const errors = await import('../../src-main/compiler/diagnostics.js');
      const run = (doc: unknown) => {
        try {
          mocked.compile(parseDocument(doc));
        } catch (e) {
          expect(e).toBeInstanceOf(errors.CompileError);
          return (e as Error).message;
        }
        throw new Error('expected a CompileError');
      };
      const pair = run({
        ...HEAD,
        blocks: [{ id: 'a', type: 'relay', size: 1 }, { id: 'b', type: 'relay', size: 1 }, { id: 'c', type: 'lif', size: 1 }],
        edges: [{ from: 'a.out', to: 'b.I' }, { from: 'b.out', to: 'a.I' }, { from: 'b.out', to: 'c.I' }],
      });
      expect(pair.split('\n')).toHaveLength(1);
      expect(pair).toMatch(/^block "a": algebraic loop \(a cycle through no synapse\): a → b/);
      const named = pair.slice(pair.lastIndexOf(': ') + 2).split(' → ');
      expect(new Set(named)).toEqual(new Set(['a', 'b']));
      const self = run({ ...HEAD, blocks: [{ id: 'x', type: 'relay', size: 1 }], edges: [{ from: 'x.out', to: 'x.I' }] });
      expect(self).toMatch(/^block "x": algebraic loop \(a cycle through no synapse\): x/);
    } finally {
      vi.doUnmock('../../kernels/index.js');
      vi.resetModules();
    }
  });
});
