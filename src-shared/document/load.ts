/**
 * Reading a project document from text: JSON parse, migration to the current version,
 * schema validation, with every problem reported as a message naming where it is.
 */
import { z } from 'zod';
import { DocumentError } from './errors.js';
import { migrateDocument } from './migrate.js';
import { ProjectDocument } from './schema.js';

/** Turns a zod issue path into words: `block "syn": field "connection.rule"`. */
function describePath(path: readonly PropertyKey[], raw: unknown): string {
  const parts: string[] = [];
  let rest = [...path];
  if (rest[0] === 'blocks' && typeof rest[1] === 'number') {
    const block = (raw as { blocks?: Array<{ id?: unknown }> }).blocks?.[rest[1]];
    parts.push(typeof block?.id === 'string' ? `block "${block.id}"` : `block #${rest[1] + 1}`);
    rest = rest.slice(2);
  } else if (rest[0] === 'edges' && typeof rest[1] === 'number') {
    parts.push(`edge #${rest[1] + 1}`);
    rest = rest.slice(2);
  }
  if (rest.length > 0) parts.push(`field "${rest.map(String).join('.')}"`);
  return parts.join(': ') || 'document';
}

/** Validates an already-parsed document (any version), returning the current form. */
export function parseDocument(raw: unknown): ProjectDocument {
  const migrated = migrateDocument(raw);
  const result = ProjectDocument.safeParse(migrated);
  if (result.success) return result.data;
  const messages = result.error.issues.map((i: z.core.$ZodIssue) => `${describePath(i.path, migrated)}: ${i.message}`);
  throw new DocumentError(messages.join('\n'));
}

/** Rewrites "… at position N" of a JSON.parse error as a line and column. */
function jsonErrorWhere(text: string, message: string): string {
  const m = /^(.*?)(?: in JSON)? at position (\d+)/.exec(message);
  if (!m) return message;
  const before = text.slice(0, Number(m[2]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `line ${line}, column ${column}: ${m[1]}`;
}

/** Parses document text; `source` (a file name) is named in the message of a JSON error. */
export function parseDocumentText(text: string, source = 'document'): ProjectDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new DocumentError(`${source} is not valid JSON: ${jsonErrorWhere(text, (cause as Error).message)}`, { cause });
  }
  return parseDocument(raw);
}
