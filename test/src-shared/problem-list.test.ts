/**
 * A document with thousands of problems: the CLI's message lists ten and counts the rest
 * (a document of 300,000 probes is refused as a whole, schema.ts MAX_BLOCKS), and the API sends at most MAX_DIAGNOSTICS diagnostics (the editor lists what it is sent).
 */
import { describe, expect, it } from 'vitest';
import { validateDocument } from '../../src-main/api/documents.js';
import { toErrorPayload } from '../../src-main/api/errors.js';
import { ApiError } from '../../src-main/api/errors.js';
import { compile } from '../../src-main/compiler/compile.js';
import { CompileError } from '../../src-main/compiler/diagnostics.js';
import { DocumentError } from '../../src-shared/document/errors.js';
import { parseDocument } from '../../src-shared/document/load.js';
import { MAX_BLOCKS } from '../../src-shared/document/schema.js';
import { capDiagnostics, capLines, MAX_DIAGNOSTICS } from '../../src-shared/problem-list.js';

/** A LIF neuron and `probes` spike probes connected to nothing. */
function unconnectedProbes(probes: number, params: unknown = { neurons: 'all' }) {
  const blocks: unknown[] = [{ id: 'n', type: 'lif', size: 1, params: {}, init: {} }];
  for (let i = 0; i < probes; i++) blocks.push({ id: `p${i}`, type: 'spike-probe', params, init: {} });
  return { format: 'spikeflow-project', version: 2, name: 'many', run: { dt: '0.1 ms', duration: '1 ms', seed: 1 }, blocks, edges: [] };
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('lists of problems', () => {
  it('9,999 unconnected probes: the compile error lists 10 and says "… and 9,989 more"', () => {
    const err = thrown(() => compile(parseDocument(unconnectedProbes(MAX_BLOCKS - 1))));
    expect(err).toBeInstanceOf(CompileError);
    const lines = err.message.split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('block "p0", input "spikes": required but not connected (connect a spikes output to it)');
    expect(lines[10]).toBe('… and 9,989 more');
    expect((err as CompileError).diagnostics).toHaveLength(MAX_BLOCKS - 1);
  });

  it('300,000 probes: refused in one line before anything is compiled', () => {
    const err = thrown(() => parseDocument(unconnectedProbes(300_000)));
    expect(err).toBeInstanceOf(DocumentError);
    expect(err.message).toBe('field "blocks": a project has at most 10,000 blocks');
  });

  it('a document error lists 10 problems in its message and keeps all of them as issues', () => {
    const err = thrown(() => parseDocument(unconnectedProbes(2_000, 5)));
    expect(err).toBeInstanceOf(DocumentError);
    const lines = err.message.split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[10]).toMatch(/^… and 1,99\d more$/);
    expect((err as DocumentError).issues.length).toBeGreaterThan(2_000 - 1);
  });

  it('the API sends at most MAX_DIAGNOSTICS diagnostics, the last one counting the rest', () => {
    const result = validateDocument(unconnectedProbes(1_000));
    expect(result.ok).toBe(false);
    const diagnostics = (result as { diagnostics: Array<{ block?: string; message: string }> }).diagnostics;
    expect(diagnostics).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(diagnostics[0]!.block).toBe('p0');
    expect(diagnostics[MAX_DIAGNOSTICS]).toEqual({ message: `… and ${1_000 - MAX_DIAGNOSTICS} more` });
    const invalid = validateDocument(unconnectedProbes(1_000, 5)) as { diagnostics: unknown[] };
    expect(invalid.diagnostics).toHaveLength(MAX_DIAGNOSTICS + 1);

    const many = Array.from({ length: 5_000 }, (_, i) => ({ block: `b${i}`, message: 'bad' }));
    const payload = toErrorPayload(new ApiError('bad', many));
    expect(payload.diagnostics).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(payload.diagnostics![MAX_DIAGNOSTICS]!.message).toBe('… and 4,900 more');
  });

  it('short lists pass unchanged', () => {
    expect(capLines(['a', 'b'])).toEqual(['a', 'b']);
    expect(capDiagnostics([{ message: 'x' }])).toEqual([{ message: 'x' }]);
    expect(capLines(['a', 'b', 'c'], 2)).toEqual(['a', 'b', '… and 1 more']);
  });
});
