/**
 * Migrations of the project document, one function per version step, applied in order.
 * Append only: a released version's migration is never edited.
 *
 * Version 1 (the first public drafts) wrote run settings as `settings: {dt_ms, duration_ms,
 * seed}` and edges as `{from: {block, port}, to: {block, port}}`.
 */
import { DOCUMENT_FORMAT, DOCUMENT_VERSION } from './schema.js';
import { DocumentError } from './errors.js';

type Json = Record<string, unknown>;

const MIGRATIONS: Readonly<Record<number, (doc: Json) => Json>> = {
  1: (doc) => {
    const { settings, edges, ...rest } = doc as Json & { settings?: Json; edges?: unknown[] };
    const s = settings ?? {};
    return {
      ...rest,
      version: 2,
      run: {
        ...(s.dt_ms !== undefined ? { dt: s.dt_ms } : {}),
        ...(s.duration_ms !== undefined ? { duration: s.duration_ms } : {}),
        ...(s.seed !== undefined ? { seed: s.seed } : {}),
      },
      edges: (edges ?? []).map((e) => {
        const edge = e as { from?: { block?: string; port?: string }; to?: { block?: string; port?: string } };
        return { from: `${edge.from?.block ?? ''}.${edge.from?.port ?? ''}`, to: `${edge.to?.block ?? ''}.${edge.to?.port ?? ''}` };
      }),
    };
  },
};

/** Brings a parsed JSON document up to the current version (not yet validated). */
export function migrateDocument(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new DocumentError('the document must be a JSON object');
  }
  let doc = raw as Json;
  if (doc.format !== DOCUMENT_FORMAT) {
    const message = `expected "${DOCUMENT_FORMAT}", got ${JSON.stringify(doc.format)}`;
    throw new DocumentError(`field "format": ${message}`, { issues: [{ field: 'format', message }] });
  }
  const version = doc.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    const message = `expected a positive integer, got ${JSON.stringify(version)}`;
    throw new DocumentError(`field "version": ${message}`, { issues: [{ field: 'version', message }] });
  }
  if (version > DOCUMENT_VERSION) {
    throw new DocumentError(
      `the document has version ${version}, newer than this Spikeflow understands (${DOCUMENT_VERSION}); update Spikeflow`,
    );
  }
  for (let v = version; v < DOCUMENT_VERSION; v++) doc = MIGRATIONS[v]!(doc);
  return doc;
}
