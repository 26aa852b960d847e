/** The literature examples (assets/examples) and their scaled-down variants, for the tests of test/examples. */
import { readFileSync } from 'node:fs';
import { parseDocumentText } from '../../src-shared/document/load.js';
import type { ProjectDocument } from '../../src-shared/document/schema.js';

export const example = (name: string): ProjectDocument =>
  parseDocumentText(readFileSync(new URL(`../../assets/examples/${name}`, import.meta.url), 'utf8'), name);

/**
 * Brunel's network with sizes and in-degrees divided by k and recurrent weights multiplied by
 * k (the same C_E·J); the external drive stays the full model's (1000 inputs of 0.1 mV).
 */
export function scaledBrunel(k: number): ProjectDocument {
  const doc = example('brunel-2000.json');
  for (const b of doc.blocks) {
    if (b.size !== undefined) b.size = b.size / k;
    const c = b.connection;
    if (c) {
      c.indegree = c.indegree! / k;
      c.weight = `${parseFloat(String(c.weight)) * k} mV`;
    }
  }
  return doc;
}

/**
 * Izhikevich's network with sizes divided by k and weights multiplied by k (the same summed
 * input when the same fraction of the neurons fires).
 */
export function scaledIzhikevich(k: number): ProjectDocument {
  const doc = example('izhikevich-2003.json');
  for (const b of doc.blocks) {
    if (b.size !== undefined) b.size /= k;
    if (b.connection) b.connection.weight = { expr: `${k} * (${(b.connection.weight as { expr: string }).expr})` };
  }
  return doc;
}
