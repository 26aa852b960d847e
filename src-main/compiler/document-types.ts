/**
 * The block types a project document defines itself (`types`, written as equations):
 * compiled into BlockDefs the rest of the compiler uses exactly as built-ins. A mistake in
 * a type is reported once, on the type (field, line and column), and blocks of that type
 * are then left out instead of each reporting an unknown type.
 */
import { blockDef } from '../../kernels/index.js';
import type { BlockDef } from '../../kernels/types.js';
import type { ProjectDocument } from '../../src-shared/document/schema.js';
import { compileEquationType } from '../../src-shared/equations/compile-type.js';
import type { DiagnosticSink } from './diagnostics.js';

export interface DocumentTypes {
  defs: Map<string, BlockDef>;
  /** Types that did not compile (already reported). */
  failed: Set<string>;
}

export function documentTypes(doc: ProjectDocument, sink: DiagnosticSink): DocumentTypes {
  const defs = new Map<string, BlockDef>();
  const failed = new Set<string>();
  for (const [name, type] of Object.entries(doc.types ?? {})) {
    const { def, diagnostics } = compileEquationType(name, type);
    for (const d of diagnostics) {
      const at = d.line > 0 ? ` line ${d.line}:${d.column}` : '';
      sink.add({ field: `types.${name}.${d.field}${at}`, message: d.message });
    }
    if (def && diagnostics.length === 0) defs.set(name, def);
    else failed.add(name);
  }
  return { defs, failed };
}

/**
 * The definition of a block type as a document sees it: its own type (when that compiles)
 * or a built-in. For callers outside the compiler (sweeps) that look up parameters.
 */
export function blockDefIn(doc: ProjectDocument, type: string): BlockDef | undefined {
  const own = doc.types && Object.hasOwn(doc.types, type) ? doc.types[type] : undefined;
  if (own !== undefined) return compileEquationType(type, own).def;
  return blockDef(type);
}
