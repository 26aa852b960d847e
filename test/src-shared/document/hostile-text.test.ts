/**
 * Document text that is valid but unusual: a UTF-8 byte-order mark is read past; a
 * "__proto__" key anywhere is refused by name (copying it would set a prototype, not a key).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DocumentError } from '../../../src-shared/document/errors.js';
import { parseDocument, parseDocumentText } from '../../../src-shared/document/load.js';

const example = readFileSync(path.join(import.meta.dirname, '..', '..', '..', 'assets', 'examples', 'ampa-lif.json'), 'utf8');

function refusal(f: () => unknown): DocumentError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DocumentError);
    return e as DocumentError;
  }
  throw new Error('expected a DocumentError');
}

describe('document text', () => {
  it('reads a document that starts with a UTF-8 byte-order mark', () => {
    expect(parseDocumentText(`\uFEFF${example}`)).toEqual(parseDocumentText(example));
  });

  it('refuses a "__proto__" key, naming the block and field, at any depth', () => {
    // JSON.parse keeps "__proto__" as an own key, as a file would bring it.
    const e1 = refusal(() => parseDocumentText(example.replace('"init": { "V": "-60 mV" }', '"init": { "__proto__": { "V": "-50 mV" } }')));
    expect(e1.issues).toEqual([{ block: 'post', field: 'init.__proto__', message: 'the key "__proto__" is not allowed' }]);
    const e3 = refusal(() => parseDocumentText(example.replace('"params": { "alpha"', '"params": { "__proto__": "x", "alpha"')));
    expect(e3.message).toBe('block "syn": field "params.__proto__": the key "__proto__" is not allowed');
    const e2 = refusal(() => parseDocument(JSON.parse(`{"__proto__": {"blocks": []}, ${example.trim().slice(1)}`)));
    expect(e2.issues).toEqual([{ field: '__proto__', message: 'the key "__proto__" is not allowed' }]);
    // Deeply nested: found without overflowing the stack.
    const deep = `${'['.repeat(100_000)}{"__proto__": 1}${']'.repeat(100_000)}`;
    const raw = { ...JSON.parse(example), extra: JSON.parse(deep) };
    expect(refusal(() => parseDocument(raw)).message).toMatch(/the key "__proto__" is not allowed/);
  });
});
