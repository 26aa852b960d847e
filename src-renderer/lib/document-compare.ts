/**
 * Whether two documents describe the same model, whatever their layout: block positions
 * are where the editor draws a block, not part of the model, so a draft that only moved
 * blocks is not an unsaved edit. The name is the project's (the studio writes the project
 * name into the document it saves) and the order of edges is the editor's, so neither
 * counts either.
 */
import type { ProjectDocument } from '../../src-shared/document/schema.js';

/** JSON with object keys sorted, so equal documents compare equal whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The model of `d` as text: equal for two documents that differ at most in their layout and name. */
export function modelKey(d: ProjectDocument): string {
  return canonicalJson({
    ...d,
    name: '',
    blocks: d.blocks.map(({ position: _position, ...block }) => block),
    edges: d.edges.map(canonicalJson).sort(),
  });
}

/** Whether `a` and `b` differ at most in where their blocks are drawn. */
export function sameModel(a: ProjectDocument, b: ProjectDocument): boolean {
  return modelKey(a) === modelKey(b);
}
