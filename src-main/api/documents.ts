/**
 * Documents on their way into the service: validated (a DocumentError becomes an ApiError
 * whose diagnostics name block and field) and compiled (a CompileError likewise).
 */
import type { ApiDiagnostic, RunEstimateInfo } from '../../src-shared/api.js';
import { DocumentError } from '../../src-shared/document/errors.js';
import { capDiagnostics } from '../../src-shared/problem-list.js';
import { parseDocument } from '../../src-shared/document/load.js';
import type { ProjectDocument } from '../../src-shared/document/schema.js';
import { checkModel, compile, type RunOverrides } from '../compiler/compile.js';
import { CompileError } from '../compiler/diagnostics.js';
import { describeEstimate, machineMemoryLimit, memoryProblem, parseMemorySize, type MemoryLimit } from '../compiler/estimate.js';
import type { Plan } from '../compiler/plan.js';
import { valueHistograms, type ValueHistogram } from '../compiler/value-histograms.js';
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

/** The memory a run may use: the request's `maxMemory` ("8 GB"), else the machine's default. */
export function runMemoryLimit(maxMemory: string | undefined): MemoryLimit {
  if (maxMemory === undefined) return machineMemoryLimit('the maxMemory setting');
  try {
    return { bytes: parseMemorySize(maxMemory), source: `maxMemory ${maxMemory}` };
  } catch (err) {
    throw new ApiError(`maxMemory: ${(err as Error).message}`, [{ field: 'maxMemory', message: (err as Error).message }], { cause: err });
  }
}

/**
 * Compiles; a CompileError becomes an ApiError carrying its diagnostics. With `memoryLimit`,
 * a model estimated to need more is refused before anything is drawn.
 */
export function compiled(doc: ProjectDocument, overrides: RunOverrides, memoryLimit?: MemoryLimit): Plan {
  try {
    return compile(doc, overrides, memoryLimit ? { memoryLimit } : {});
  } catch (err) {
    if (err instanceof CompileError) throw new ApiError(err.message, err.diagnostics, { cause: err });
    throw err;
  }
}

/**
 * `validate`: the document's problems as diagnostics, never a throw for a bad model, and
 * what a run would need. Nothing per neuron or per connection is allocated (checkModel), so
 * the editor may validate a 1e9-neuron block on every edit. A model larger than this
 * machine's default limit is a problem naming its largest consumers: the studio's runs take
 * that limit (they set no maxMemory), so Run would refuse it, and the model must not be
 * shown as fine until then.
 */
export function validateDocument(
  document: unknown,
): { ok: true; warnings?: ApiDiagnostic[]; estimate: RunEstimateInfo } | { ok: false; diagnostics: ApiDiagnostic[] } {
  let doc: ProjectDocument;
  try {
    doc = parseDocument(document);
  } catch (err) {
    if (err instanceof DocumentError) return { ok: false, diagnostics: documentDiagnostics(err) };
    throw err;
  }
  try {
    const { warnings, estimate } = checkModel(doc);
    const tooBig = memoryProblem(estimate, machineMemoryLimit('the maxMemory setting'));
    if (tooBig) {
      const largest = estimate.consumers[0];
      return { ok: false, diagnostics: [{ ...(largest ? { block: largest.block } : {}), message: tooBig }] };
    }
    const info: RunEstimateInfo = { bytes: estimate.bytes, elementUpdates: estimate.elementUpdates, connections: estimate.connections, summary: describeEstimate(estimate) };
    return warnings.length > 0
      ? { ok: true, warnings: warnings.map((w) => ({ ...w, severity: 'warning' as const })), estimate: info }
      : { ok: true, estimate: info };
  } catch (err) {
    if (err instanceof CompileError) return { ok: false, diagnostics: capDiagnostics(err.diagnostics).map((d) => ({ ...d })) };
    return { ok: false, diagnostics: [{ message: (err as Error).message }] };
  }
}

/** A multi-line message (document diagnostics) as one line. */
export function oneLine(text: string): string {
  return text.split('\n').join('; ');
}

/**
 * The inspector's histograms of a block's varying parameters (value-histograms.ts); a
 * document that does not parse has no values to show (validate reports why).
 */
export function documentValueHistograms(document: unknown, blockId: string): Record<string, ValueHistogram> {
  try {
    return valueHistograms(parseDocument(document), blockId);
  } catch (err) {
    if (err instanceof DocumentError) return {};
    throw err;
  }
}
