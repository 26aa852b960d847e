/**
 * Documents on their way into the service: validated (a DocumentError becomes an ApiError
 * whose diagnostics name block and field) and compiled (a CompileError likewise).
 */
import type { ApiDiagnostic } from '../../src-shared/api.js';
import { DocumentError } from '../../src-shared/document/errors.js';
import { capDiagnostics } from '../../src-shared/problem-list.js';
import { parseDocument } from '../../src-shared/document/load.js';
import type { ProjectDocument } from '../../src-shared/document/schema.js';
import { compile, type RunOverrides } from '../compiler/compile.js';
import { CompileError } from '../compiler/diagnostics.js';
import type { Plan } from '../compiler/plan.js';
import { ApiError } from './errors.js';

/** A DocumentError's problems as diagnostics naming block and field. */
export function documentDiagnostics(err: DocumentError): ApiDiagnostic[] {
  return capDiagnostics(err.issues).map((i) => ({ ...(i.block !== undefined ? { block: i.block } : {}), ...(i.field !== undefined ? { field: i.field } : {}), message: i.message }));
}

/** Validates a document for storing or running; problems become an ApiError with diagnostics. */
export function checkedDocument(document: unknown): ProjectDocument {
  try {
    return parseDocument(document);
  } catch (err) {
    if (err instanceof DocumentError) {
      throw new ApiError(`the document is not valid: ${err.message.split('\n').join('; ')}`, documentDiagnostics(err), { cause: err });
    }
    throw err;
  }
}

/** Compiles; a CompileError becomes an ApiError carrying its diagnostics. */
export function compiled(doc: ProjectDocument, overrides: RunOverrides): Plan {
  try {
    return compile(doc, overrides);
  } catch (err) {
    if (err instanceof CompileError) throw new ApiError(err.message, err.diagnostics, { cause: err });
    throw err;
  }
}

/** `validate`: the document's problems as diagnostics, never a throw for a bad model. */
export function validateDocument(document: unknown): { ok: true; warnings?: ApiDiagnostic[] } | { ok: false; diagnostics: ApiDiagnostic[] } {
  let doc: ProjectDocument;
  try {
    doc = parseDocument(document);
  } catch (err) {
    if (err instanceof DocumentError) return { ok: false, diagnostics: documentDiagnostics(err) };
    throw err;
  }
  try {
    const { warnings } = compile(doc);
    return warnings.length > 0 ? { ok: true, warnings: warnings.map((w) => ({ ...w, severity: 'warning' as const })) } : { ok: true };
  } catch (err) {
    if (err instanceof CompileError) return { ok: false, diagnostics: capDiagnostics(err.diagnostics).map((d) => ({ ...d })) };
    return { ok: false, diagnostics: [{ message: (err as Error).message }] };
  }
}

/** A multi-line message (document diagnostics) as one line. */
export function oneLine(text: string): string {
  return text.split('\n').join('; ');
}
