/**
 * assets/examples/adaptive-lif.json (issue #12): an adaptive LIF neuron written as an
 * equation block shows spike-frequency adaptation: from the step on, each interval between
 * spikes is at least as long as the one before, the last much longer than the first; no
 * spike before the step or once w has no drive left after it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocumentText } from '../../src-shared/document/load.js';
import { runDoc } from '../helpers/doc.js';

describe('adaptive-lif.json', () => {
  it('adapts: intervals grow while the step lasts, and it stops after', () => {
    const doc = parseDocumentText(readFileSync(new URL('../../assets/examples/adaptive-lif.json', import.meta.url), 'utf8'), 'adaptive-lif.json');
    const out = runDoc(doc);
    const t = (out.spikes.get('cell_spikes') ?? []).map(([step]) => step * 0.1);
    expect(t.length).toBeGreaterThan(5);
    expect(t[0]!).toBeGreaterThan(50);
    expect(t.at(-1)!).toBeLessThan(452);
    const isi = t.slice(1).map((x, k) => x - t[k]!);
    for (let k = 1; k < isi.length; k++) expect(isi[k]!).toBeGreaterThanOrEqual(isi[k - 1]! - 0.1 - 1e-9);
    expect(isi.at(-1)!).toBeGreaterThan(1.5 * isi[0]!);
  });
});
