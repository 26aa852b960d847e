/**
 * Versions of the project document: a version-1 document (run settings in `settings`,
 * edges as objects) is brought to the current version; a newer, unknown or missing
 * version or a foreign format is refused with a clear message.
 */
import { describe, expect, it } from 'vitest';
import { DocumentError } from '../../../src-shared/document/errors.js';
import { parseDocument } from '../../../src-shared/document/load.js';
import { migrateDocument } from '../../../src-shared/document/migrate.js';
import { DOCUMENT_FORMAT, DOCUMENT_VERSION } from '../../../src-shared/document/schema.js';
import { compile } from '../../../src-main/compiler/compile.js';
import { thrownMessage } from '../../helpers/errors.js';

const documentError = (f: () => unknown): string => thrownMessage(DocumentError, f);

const V1 = {
  format: DOCUMENT_FORMAT,
  version: 1,
  name: 'old',
  settings: { dt_ms: 0.05, duration_ms: 20, seed: 7 },
  blocks: [
    { id: 'src', type: 'poisson', size: 4, params: { rate: '50 Hz' } },
    { id: 'syn', type: 'exponential', connection: { rule: 'one-to-one', weight: '1 nS' } },
    { id: 'cell', type: 'lif', size: 4 },
    { id: 'sp', type: 'spike-probe' },
  ],
  edges: [
    { from: { block: 'src', port: 'spikes' }, to: { block: 'syn', port: 'pre' } },
    { from: { block: 'syn', port: 'post' }, to: { block: 'cell', port: 'I' } },
    { from: { block: 'cell', port: 'spikes' }, to: { block: 'sp', port: 'spikes' } },
  ],
};

describe('migration', () => {
  it('the current version is 2', () => {
    expect(DOCUMENT_VERSION).toBe(2);
  });

  it('brings a version-1 document to version 2', () => {
    const d = parseDocument(structuredClone(V1));
    expect(d.version).toBe(2);
    expect(d.run).toEqual({ dt: 0.05, duration: 20, seed: 7 });
    expect(d.edges).toEqual([
      { from: 'src.spikes', to: 'syn.pre' },
      { from: 'syn.post', to: 'cell.I' },
      { from: 'cell.spikes', to: 'sp.spikes' },
    ]);
    expect(d.blocks.map((b) => b.id)).toEqual(['src', 'syn', 'cell', 'sp']);
    expect('settings' in d).toBe(false);
  });

  it('compiles the migrated document with the old run settings (numbers in ms)', () => {
    const plan = compile(parseDocument(structuredClone(V1)));
    expect(plan.dt).toBe(0.05);
    expect(plan.duration).toBe(20);
    expect(plan.steps).toBe(400);
    expect(plan.seed).toBe(7);
  });

  it('uses the current defaults for settings a version-1 document left out', () => {
    const { settings: _settings, ...noSettings } = structuredClone(V1);
    void _settings;
    expect(parseDocument(noSettings).run).toEqual({ dt: '0.1 ms', duration: '100 ms', seed: 1 });
    expect(parseDocument({ ...noSettings, settings: { seed: 3 }, edges: undefined }).run).toEqual({ dt: '0.1 ms', duration: '100 ms', seed: 3 });
  });

  it('does not modify its input', () => {
    const input = structuredClone(V1);
    migrateDocument(input);
    expect(input).toEqual(V1);
  });

  it('leaves a current document as it is', () => {
    const current = { format: DOCUMENT_FORMAT, version: DOCUMENT_VERSION, blocks: [] };
    expect(migrateDocument(current)).toEqual(current);
  });

  it('refuses a version-1 edge without a port, naming the edge', () => {
    const broken = { ...structuredClone(V1), edges: [{ from: { block: 'src' }, to: { block: 'syn', port: 'pre' } }] };
    // The migration writes the missing port as empty, so the schema names the edge.
    let message = '';
    try {
      compile(parseDocument(broken));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.split('\n')[0]).toBe('edge #1: field "from": must be "block.port"');
  });
});

describe('versions and formats that are refused', () => {
  it('a newer version: says so and asks to update Spikeflow', () => {
    const message = documentError(() => parseDocument({ format: DOCUMENT_FORMAT, version: DOCUMENT_VERSION + 1, blocks: [] }));
    expect(message).toBe(
      `the document has version ${DOCUMENT_VERSION + 1}, newer than this Spikeflow understands (${DOCUMENT_VERSION}); update Spikeflow`,
    );
  });

  it('a missing or malformed version', () => {
    expect(documentError(() => migrateDocument({ format: DOCUMENT_FORMAT, blocks: [] })))
      .toBe('field "version": expected a positive integer, got undefined');
    expect(documentError(() => migrateDocument({ format: DOCUMENT_FORMAT, version: 0 })))
      .toBe('field "version": expected a positive integer, got 0');
    expect(documentError(() => migrateDocument({ format: DOCUMENT_FORMAT, version: '2' })))
      .toBe('field "version": expected a positive integer, got "2"');
    expect(documentError(() => migrateDocument({ format: DOCUMENT_FORMAT, version: 1.5 })))
      .toBe('field "version": expected a positive integer, got 1.5');
  });

  it('another format, or not an object', () => {
    expect(documentError(() => migrateDocument({ format: 'brian2', version: 2 })))
      .toBe('field "format": expected "spikeflow-project", got "brian2"');
    expect(documentError(() => migrateDocument({ version: 2 })))
      .toBe('field "format": expected "spikeflow-project", got undefined');
    for (const raw of [null, [], 'doc', 3]) {
      expect(documentError(() => migrateDocument(raw))).toBe('the document must be a JSON object');
    }
  });
});
