/**
 * valueHistograms (the inspector's histograms of per-neuron values) looks a block's type up
 * as the document sees it: a project's own equation type (doc.types) as well as a built-in.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ProjectDocument } from '../../src-shared/document/schema.js';
import { parseDocument } from '../../src-shared/document/load.js';
import { valueHistograms } from '../../src-main/compiler/value-histograms.js';

const adex = () => JSON.parse(fs.readFileSync(new URL('../../assets/examples/adex.json', import.meta.url), 'utf8')) as ProjectDocument;

describe('valueHistograms', () => {
  it('draws the varying parameters of a block of the project\'s own type, in its declared unit', () => {
    const doc = adex();
    const cell = doc.blocks.find((b) => b.id === 'cell')!;
    cell.size = 500;
    cell.params = { ...cell.params, C: { dist: 'uniform', low: '250 pF', high: '300 pF' } };
    const h = valueHistograms(parseDocument(doc), 'cell');
    expect(Object.keys(h)).toEqual(['C']);
    expect(h.C!.unit).toBe('pF');
    expect(h.C!.counts.reduce((a, b) => a + b, 0)).toBe(500);
    expect(h.C!.min).toBeGreaterThanOrEqual(250);
    expect(h.C!.max).toBeLessThanOrEqual(300);
  });

  it('still draws a built-in block\'s parameters', () => {
    const doc = adex();
    doc.blocks.push({ id: 'lif', type: 'lif', size: 200, params: { tau: { dist: 'normal', mean: '20 ms', sd: '2 ms' } }, init: {} } as never);
    expect(valueHistograms(parseDocument(doc), 'lif').tau?.drawn).toBe(200);
  });
});
