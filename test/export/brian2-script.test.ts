/**
 * Issue 14: the exported Brian2 script is meant to be read — one section per block naming
 * it, parameters with units, the update code of the block, the order within a step spelled
 * out — and keeps long arrays exact. Checked on the text, without Python.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src-main/compiler/compile.js';
import { brian2Script } from '../../src-main/export/brian2/script.js';
import { pyArray, pyFloat } from '../../src-main/export/python-literals.js';
import { parseDocumentText } from '../../src-shared/document/load.js';
import { EXAMPLES } from '../helpers/cli.js';

const load = (name: string) => parseDocumentText(readFileSync(join(EXAMPLES, name), 'utf8'), name);

describe('Brian2 script text', () => {
  it('has a section per block with its parameters in units and its update code', () => {
    const doc = load('ampa-lif.json');
    const text = brian2Script(doc, compile(doc));
    expect(text).toContain('# Block "syn": AMPA synapse (ampa)');
    expect(text).toContain('# Block "post": LIF (refractory) (lif)');
    expect(text).toContain('"alpha": value(0.98 / ms / mM, 1 / ms / mM),  # Binding rate.');
    expect(text).toContain('"tau": value(20.0 * ms, ms),  # Membrane time constant.');
    expect(text).toContain('V_free = exp_euler(V, V_inf, tau, dt_ms)');
    expect(text).toContain('I = (syn_wsum * (syn_E - V))  # input current (nA), from the start-of-step V');
    // The order within a step: spikes of "pre" reach the receptor in the step they are emitted.
    const order = text.split('\n').filter((l) => l.startsWith('at('));
    expect(order).toEqual([
      'at(b_pre, 0)  # spikes of "pre" are emitted',
      'at(b_syn_in.pre, 1)  # presynaptic spikes reach "syn"',
      'at(b_syn_update, 2)  # update of "syn"',
      'at(b_syn_conn.summed_updaters[\'syn_wsum_post\'], 3)  # "post" gathers the weighted g of "syn"',
      'at(b_post_update, 4)  # update of "post"',
      'at(b_post.thresholder[\'spike\'], 5)  # spikes of "post" are emitted',
    ]);
  });

  it('prints numbers that read back exactly, short arrays as lists and long ones packed', () => {
    expect(pyFloat(0.1)).toBe('0.1');
    expect(pyFloat(-65)).toBe('-65.0');
    expect(pyFloat(1e-7)).toBe('1e-7');
    expect(pyFloat(Math.fround(0.006))).toBe('0.006000000052154064');
    expect(pyArray([1, 2, 3], 'int')).toBe('np.array([1, 2, 3], dtype=np.int32)');
    const values = Float64Array.from({ length: 1000 }, (_, k) => Math.sin(k) * 1e3);
    const packed = pyArray(values, 'float');
    const b64 = [...packed.matchAll(/'([A-Za-z0-9+/=]+)'/g)].map((m) => m[1]).join('');
    expect(packed.startsWith("unpack('<f8', (")).toBe(true);
    const bytes = inflateSync(Buffer.from(b64, 'base64'));
    expect(new Float64Array(bytes.buffer, bytes.byteOffset, 1000)).toEqual(values);
  });
});
