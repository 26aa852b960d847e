/**
 * A DocumentError carries its problems one by one (block, field, message) beside the
 * message text, so the app's diagnostics are read from them, never parsed from the text.
 */
import { describe, expect, it } from 'vitest';
import { DocumentError } from '../../../src-shared/document/errors.js';
import { parseDocument } from '../../../src-shared/document/load.js';

function issuesOf(raw: unknown): { message: string; issues: DocumentError['issues'] } {
  try {
    parseDocument(raw);
  } catch (err) {
    if (err instanceof DocumentError) return { message: err.message, issues: err.issues };
    throw err;
  }
  throw new Error('expected a DocumentError');
}

const base = { format: 'spikeflow-project', version: 2, name: 'n', run: { dt: '0.1 ms', duration: '10 ms', seed: 1 }, blocks: [], edges: [] };

describe('DocumentError issues', () => {
  it('name the block and field, an edge, or a field of the document, as the message lines do', () => {
    const { message, issues } = issuesOf({
      ...base,
      run: { dt: 5, duration: '10 ms', seed: -1 },
      blocks: [{ id: 'cell', type: 'lif', size: 'many' }, { type: 'lif' }],
      edges: [{ from: 'cell.spikes' }],
    });
    const lines = message.split('\n');
    expect(issues).toHaveLength(lines.length);
    expect(issues).toContainEqual({ block: 'cell', field: 'size', message: expect.any(String) });
    expect(issues).toContainEqual({ field: 'edge #1 to', message: expect.any(String) });
    expect(issues).toContainEqual({ field: 'run.seed', message: expect.any(String) });
    // A block without an id is named by its place, in the message.
    expect(issues.find((i) => i.message.startsWith('block #2'))).toBeDefined();
    expect(lines).toContain(`block "cell": field "size": ${issues.find((i) => i.block === 'cell')!.message}`);
  });

  it('name the field of a wrong format or version', () => {
    expect(issuesOf({ ...base, format: 'x' }).issues).toEqual([{ field: 'format', message: 'expected "spikeflow-project", got "x"' }]);
    expect(issuesOf({ ...base, version: 0 }).issues).toEqual([{ field: 'version', message: 'expected a positive integer, got 0' }]);
  });
});
