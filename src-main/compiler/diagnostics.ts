/**
 * Compile problems. Each names the block (and the field or port) it is about, so the CLI
 * can print one clear line and the editor can show it on the node. Errors stop the
 * compile (CompileError); warnings travel with the plan (Plan.warnings).
 */
import { MAX_LISTED_PROBLEMS, moreLine } from '../../src-shared/problem-list.js';

export interface Diagnostic {
  block?: string;
  field?: string;
  message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = [d.block ? `block "${d.block}"` : '', d.field ? `${d.field}` : ''].filter(Boolean).join(', ');
  return where ? `${where}: ${d.message}` : d.message;
}

/** One line for a warning (the CLI prints these on stderr; they do not change the exit code). */
export function formatWarning(d: Diagnostic): string {
  return `warning: ${formatDiagnostic(d)}`;
}

/**
 * Raised when a document cannot be compiled; carries every problem found. The message
 * lists the first few, then counts the rest (src-shared/problem-list.ts).
 */
export class CompileError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    const listed = diagnostics.slice(0, MAX_LISTED_PROBLEMS).map(formatDiagnostic);
    if (diagnostics.length > MAX_LISTED_PROBLEMS) listed.push(moreLine(diagnostics.length - MAX_LISTED_PROBLEMS));
    super(listed.join('\n'));
    this.name = 'CompileError';
  }
}

/** Collects diagnostics; `check` runs a step and records what it throws instead of stopping. */
export class DiagnosticSink {
  readonly list: Diagnostic[] = [];

  add(d: Diagnostic): void {
    this.list.push(d);
  }

  /** Runs `f`; a thrown error becomes a diagnostic at `where`, and undefined is returned. */
  check<T>(where: Omit<Diagnostic, 'message'>, f: () => T): T | undefined {
    try {
      return f();
    } catch (e) {
      this.add({ ...where, message: (e as Error).message });
      return undefined;
    }
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new CompileError(this.list);
  }
}
