/**
 * Reading a project document from text: JSON parse, migration to the current version,
 * schema validation, with every problem reported as a message naming where it is.
 */
import { z } from 'zod';
import { DocumentError, type DocumentIssue } from './errors.js';
import { migrateDocument } from './migrate.js';
import { documentSizeProblem, MAX_BLOCKS, MAX_EDGES, ProjectDocument } from './schema.js';
import { MAX_LISTED_PROBLEMS, moreLine } from '../problem-list.js';

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

/**
 * The same place as an issue: the block (by id) and its field, an edge (`edge #2`,
 * `edge #2 from`) or a field of the document (`run.dt`); a block without a usable id is
 * named in the message only.
 */
function issueAt(path: readonly PropertyKey[], raw: unknown, message: string): DocumentIssue {
  const [head, index, ...rest] = path;
  const field = rest.map(String).join('.');
  if (head === 'blocks' && typeof index === 'number') {
    const id = (raw as { blocks?: Array<{ id?: unknown }> }).blocks?.[index]?.id;
    if (typeof id !== 'string') return { message: `${describePath(path, raw)}: ${message}` };
    return { block: id, ...(field ? { field } : {}), message };
  }
  if (head === 'edges' && typeof index === 'number') return { field: field ? `edge #${index + 1} ${field}` : `edge #${index + 1}`, message };
  return path.length > 0 ? { field: path.map(String).join('.'), message } : { message: `document: ${message}` };
}

/**
 * The path of the first "__proto__" key in a parsed JSON value, or null. JSON.parse keeps such
 * a key as an own property, but copying the object (as the schema does) assigns it, which sets
 * the copy's prototype instead: the key vanishes, or an object under it would lend its members
 * to the copy. Walked with a stack, so deep nesting cannot overflow the call stack.
 */
function protoKeyPath(raw: unknown): PropertyKey[] | null {
  // Each entry links to its parent, so the path is built only for the key found (copying a
  // path at every level would cost depth² on deeply nested input).
  type Entry = { value: unknown; key: PropertyKey; parent: Entry | null };
  const stack: Entry[] = [{ value: raw, key: '', parent: null }];
  const pathOf = (e: Entry): PropertyKey[] => {
    const path: PropertyKey[] = [];
    for (let at: Entry | null = e; at && at.parent; at = at.parent) path.push(at.key);
    return path.reverse();
  };
  while (stack.length > 0) {
    const entry = stack.pop()!;
    const { value } = entry;
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push({ value: v, key: i, parent: entry }));
      continue;
    }
    for (const key of Object.keys(value)) {
      const child: Entry = { value: (value as Record<string, unknown>)[key], key, parent: entry };
      if (key === '__proto__') return pathOf(child);
      stack.push(child);
    }
  }
  return null;
}

/** The one issue of a document with more blocks or edges than allowed, or null (checked before the schema walks them). */
function tooManyIssue(raw: unknown): DocumentIssue | null {
  if (raw === null || typeof raw !== 'object') return null;
  const { blocks, edges } = raw as { blocks?: unknown; edges?: unknown };
  if (Array.isArray(blocks) && blocks.length > MAX_BLOCKS) return { field: 'blocks', message: `a project has at most ${MAX_BLOCKS.toLocaleString('en')} blocks` };
  if (Array.isArray(edges) && edges.length > MAX_EDGES) return { field: 'edges', message: `a project has at most ${MAX_EDGES.toLocaleString('en')} edges` };
  return null;
}

/**
 * An issue of a union (a value, a distribution or an expression) in the terms of the option
 * the value was meant as: {"dist": "gamma"} is an unknown distribution, {"dist": "normal"}
 * without "sd" lacks its sd. An option whose problems all lie at the value itself did not
 * fit its shape at all; where no option fits, the union's own message says what it takes.
 */
function explained(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  const fitting = issue.errors.filter((branch) => branch.length > 0 && branch.every((i) => i.path.length > 0));
  if (fitting.length === 0) return issue;
  const best = fitting.reduce((a, b) => (b.length < a.length ? b : a));
  const inner = explained(best[0]!);
  return { ...inner, path: [...issue.path, ...inner.path] };
}

/** Validates an already-parsed document (any version), returning the current form. */
export function parseDocument(raw: unknown): ProjectDocument {
  // Counted first: the schema would check every one of 300,000 blocks before their number.
  const tooMany = tooManyIssue(raw);
  if (tooMany) throw new DocumentError(`field "${tooMany.field}": ${tooMany.message}`, { issues: [tooMany] });
  const proto = protoKeyPath(raw);
  if (proto) {
    const issue = issueAt(proto, raw, 'the key "__proto__" is not allowed');
    throw new DocumentError(`${describePath(proto, raw)}: the key "__proto__" is not allowed`, { issues: [issue] });
  }
  const migrated = migrateDocument(raw);
  const result = ProjectDocument.safeParse(migrated);
  if (result.success) return result.data;
  // One problem per field, the last zod found (the schema's own bound after its type's, as
  // "at most 4294967295" after "too big for an integer" for a seed).
  const issues = [...new Map(result.error.issues.map(explained).map((i) => [JSON.stringify(i.path), i] as const)).values()];
  // The message lists the first few problems and counts the rest; the error's `issues` keeps
  // every one (one per field).
  const lines = issues.slice(0, MAX_LISTED_PROBLEMS).map((i: z.core.$ZodIssue) => `${describePath(i.path, migrated)}: ${i.message}`);
  if (issues.length > MAX_LISTED_PROBLEMS) lines.push(moreLine(issues.length - MAX_LISTED_PROBLEMS));
  throw new DocumentError(lines.join('\n'), {
    issues: issues.map((i: z.core.$ZodIssue) => issueAt(i.path, migrated, i.message)),
  });
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
  // Its length in UTF-16 units is at most its length in UTF-8 bytes: a text refused here is too large.
  const tooLarge = documentSizeProblem(text.length, source);
  if (tooLarge) throw new DocumentError(tooLarge);
  let raw: unknown;
  // A UTF-8 byte-order mark (editors on Windows write one) is not part of the JSON.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new DocumentError(`${source} is not valid JSON: ${jsonErrorWhere(text, (cause as Error).message)}`, { cause });
  }
  return parseDocument(raw);
}
