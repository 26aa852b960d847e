/**
 * The project document's schema as read through `parseDocument`/`parseDocumentText`:
 * defaults, and for every malformed field a message that names the block (by id) or edge
 * and the field.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DocumentError } from '../../../src-shared/document/errors.js';
import { parseDocument, parseDocumentText } from '../../../src-shared/document/load.js';
import { DOCUMENT_FORMAT, DOCUMENT_VERSION, MAX_BLOCKS, MAX_DOCUMENT_BYTES, MAX_EDGES } from '../../../src-shared/document/schema.js';
import { thrownMessage } from '../../helpers/errors.js';

const EXAMPLES = fileURLToPath(new URL('../../../assets/examples/', import.meta.url));

const documentError = (f: () => unknown): string => thrownMessage(DocumentError, f);

const doc = (extra: Record<string, unknown>) => ({ format: DOCUMENT_FORMAT, version: DOCUMENT_VERSION, blocks: [], ...extra });
const withBlock = (block: Record<string, unknown>) => doc({ blocks: [{ id: 'cell', type: 'lif', size: 1 }, block] });

describe('parseDocument: valid documents', () => {
  it('fills in the defaults', () => {
    const d = parseDocument(doc({ blocks: [{ id: 'cell', type: 'lif' }, { id: 'syn', type: 'ampa', connection: {} }] }));
    expect(d.name).toBe('Untitled');
    expect(d.description).toBe('');
    expect(d.run).toEqual({ dt: '0.1 ms', duration: '100 ms', seed: 1 });
    expect(d.edges).toEqual([]);
    expect(d.blocks[0]).toEqual({ id: 'cell', type: 'lif', params: {}, init: {} });
    expect(d.blocks[1]!.connection).toEqual({ rule: 'all-to-all', selfConnections: true, delay: 0 });
  });

  it('keeps parameters, initial distributions, connections and positions', () => {
    const d = parseDocument(doc({
      run: { dt: '0.05 ms', duration: 200, seed: 7 },
      blocks: [
        { id: 'E', type: 'lif', size: 10, params: { tau: '20 ms' }, init: { V: { dist: 'normal', mean: '-65 mV', sd: '5 mV' } }, position: { x: 1, y: 2 } },
        { id: 'EE', type: 'exponential', connection: { rule: 'fixed-probability', p: 0.02, selfConnections: false, weight: { dist: 'uniform', low: '1 nS', high: '2 nS' }, delay: '1 ms' } },
      ],
      edges: [{ from: 'E.spikes', to: 'EE.pre' }],
    }));
    expect(d.run).toEqual({ dt: '0.05 ms', duration: 200, seed: 7 });
    expect(d.blocks[0]!.init.V).toEqual({ dist: 'normal', mean: '-65 mV', sd: '5 mV' });
    expect(d.blocks[1]!.connection!.rule).toBe('fixed-probability');
    expect(d.edges).toEqual([{ from: 'E.spikes', to: 'EE.pre' }]);
  });

  it('reads every bundled example', () => {
    const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const d = parseDocumentText(readFileSync(`${EXAMPLES}${f}`, 'utf8'), f);
      expect(d.version, f).toBe(DOCUMENT_VERSION);
      expect(d.blocks.length, f).toBeGreaterThan(0);
    }
  });
});

describe('parseDocument: malformed fields name the block and the field', () => {
  it.each([
    [{ id: 'syn', type: 'ampa', size: 'ten' }, 'block "syn": field "size": '],
    [{ id: 'E', type: 'lif', size: 0 }, 'block "E": field "size": '],
    [{ id: 'E', type: 'lif', size: 2.5 }, 'block "E": field "size": '],
    [{ id: 'syn', type: 'ampa', connection: { rule: 'sometimes' } }, 'block "syn": field "connection.rule": '],
    [{ id: 'syn', type: 'ampa', connection: { p: 2 } }, 'block "syn": field "connection.p": '],
    [{ id: 'syn', type: 'ampa', connection: { indegree: -1 } }, 'block "syn": field "connection.indegree": '],
    [{ id: 'syn', type: 'ampa', connection: { pairs: [[0, 'a']] } }, 'block "syn": field "connection.pairs.0.1": '],
    // A union (value, distribution or expression) is explained in the terms of the option meant.
    [{ id: 'syn', type: 'ampa', connection: { weight: { dist: 'cauchy', x: 1 } } }, 'block "syn": field "connection.weight.dist": unknown distribution "cauchy": use "normal", "uniform" or "lognormal"'],
    [{ id: 'E', type: 'lif', init: { V: { dist: 'normal', mean: '-65 mV' } } }, 'block "E": field "init.V.sd": missing: give a number, or a value with its unit in quotes ("20 ms")'],
    [{ id: 'E', type: 'lif', init: { V: true } }, 'block "E": field "init.V": expected a value with its unit ("-65 mV"), a distribution ({"dist": "normal", "mean": …, "sd": …}, "uniform" or "lognormal") or an expression ({"expr": "…"})'],
    [{ id: 'E', type: 'lif', params: 'fast' }, 'block "E": field "params": '],
    [{ id: 'E', type: 'lif', position: { x: 'left', y: 0 } }, 'block "E": field "position.x": '],
    [{ id: 'E', type: '' }, 'block "E": field "type": '],
    [{ id: '1x', type: 'lif' }, 'block "1x": field "id": must start with a letter or _ and contain only letters, digits and _'],
    [{ id: 'E', type: 'lif', colour: 'red' }, 'block "E": '],
  ])('%j → %s…', (block, start) => {
    const message = documentError(() => parseDocument(withBlock(block)));
    expect(message.startsWith(start), message).toBe(true);
    expect(message.split('\n')).toHaveLength(1);
  });

  it('refuses a document name or description too long to show', () => {
    const base = JSON.parse(JSON.stringify(withBlock({ id: 'E', type: 'lif' }))) as Record<string, unknown>;
    expect(documentError(() => parseDocument({ ...base, name: 'n'.repeat(1001) }))).toMatch(/^field "name": /);
    expect(documentError(() => parseDocument({ ...base, description: 'd'.repeat(100_001) }))).toMatch(/^field "description": /);
    expect(() => parseDocument({ ...base, name: 'n'.repeat(1000) })).not.toThrow();
  });

  it('refuses more blocks or edges than a graph can show, with the count allowed', () => {
    const blocks = Array.from({ length: MAX_BLOCKS + 1 }, (_, k) => ({ id: `p${k}`, type: 'spike-probe' }));
    expect(documentError(() => parseDocument(doc({ blocks })))).toBe('field "blocks": a project has at most 10,000 blocks');
    expect(() => parseDocument(doc({ blocks: blocks.slice(0, MAX_BLOCKS) }))).not.toThrow();
    const edges = Array.from({ length: MAX_EDGES + 1 }, () => ({ from: 'a.out', to: 'b.in' }));
    expect(documentError(() => parseDocument(doc({ blocks: [], edges })))).toBe('field "edges": a project has at most 50,000 edges');
  });

  it('refuses a document text larger than 16 MB before parsing it, naming its source', () => {
    const text = ' '.repeat(MAX_DOCUMENT_BYTES + 1);
    expect(documentError(() => parseDocumentText(text, 'big.json'))).toBe('big.json is 16.1 MB; a project document may be at most 16 MB');
    expect(documentError(() => parseDocumentText(text.slice(1), 'big.json'))).toMatch(/^big\.json is not valid JSON/);
  });

  it('names an unrecognised key of a block', () => {
    expect(documentError(() => parseDocument(withBlock({ id: 'E', type: 'lif', colour: 'red' })))).toContain('"colour"');
  });

  it('numbers a block without a usable id', () => {
    expect(documentError(() => parseDocument(doc({ blocks: [{ type: 'lif' }] }))))
      .toMatch(/^block #1: field "id": /);
  });

  it('names edges by number', () => {
    expect(documentError(() => parseDocument(doc({ edges: [{ from: 'a', to: 'b.c' }] }))))
      .toBe('edge #1: field "from": must be "block.port"');
    expect(documentError(() => parseDocument(doc({ edges: [{ from: 'a.b', to: 'b.c' }, { from: 'a.b' }] }))))
      .toMatch(/^edge #2: field "to": /);
  });

  it('names run settings and top-level fields', () => {
    expect(documentError(() => parseDocument(doc({ run: { seed: -1 } })))).toMatch(/^field "run\.seed": /);
    expect(documentError(() => parseDocument(doc({ run: { seed: 1.5 } })))).toMatch(/^field "run\.seed": /);
    expect(documentError(() => parseDocument(doc({ run: { step: '1 ms' } })))).toMatch(/^field "run": .*"step"/);
    expect(documentError(() => parseDocument({ format: DOCUMENT_FORMAT, version: DOCUMENT_VERSION }))).toMatch(/^field "blocks": /);
    expect(documentError(() => parseDocument(doc({ name: 3 })))).toMatch(/^field "name": /);
  });

  it('reports every problem, one per line', () => {
    const message = documentError(() => parseDocument(doc({
      blocks: [{ id: 'a', type: 'lif', size: 0 }, { id: 'b', type: 'ampa', connection: { p: 5 } }],
      edges: [{ from: 'x', to: 'y' }],
    })));
    const lines = message.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^block "a": field "size": /);
    expect(lines[1]).toMatch(/^block "b": field "connection\.p": /);
    expect(lines[2]).toMatch(/^edge #1: field "from": /);
    expect(lines[3]).toMatch(/^edge #1: field "to": /);
  });
});

describe('parseDocumentText', () => {
  it('names the source when the text is not JSON', () => {
    expect(documentError(() => parseDocumentText('{"format": "spikeflow-project",}', 'net.json')))
      .toMatch(/^net\.json is not valid JSON: /);
    expect(documentError(() => parseDocumentText(''))).toMatch(/^document is not valid JSON: /);
  });

  it('wants a JSON object', () => {
    for (const text of ['null', '42', '"text"', '[]']) {
      expect(documentError(() => parseDocumentText(text))).toBe('the document must be a JSON object');
    }
  });

  it('validates what it parsed', () => {
    const text = JSON.stringify(withBlock({ id: 'syn', type: 'ampa', connection: { rule: 'sometimes' } }));
    expect(documentError(() => parseDocumentText(text, 'net.json'))).toMatch(/^block "syn": field "connection\.rule": /);
  });
});
