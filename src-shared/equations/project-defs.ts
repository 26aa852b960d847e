/**
 * The block definitions a project's own types give (`types` of a project document), for
 * the callers that see a document without compiling it whole: the editor's palette,
 * inspector and block reference. A type with a mistake gives no definition (the compiler
 * and the equation editor report why). The compiler's own lookup is
 * src-main/compiler/document-types.ts; both go through compileEquationType.
 */
import { blockDef } from '../../kernels/index.js';
import type { BlockDef } from '../../kernels/types.js';
import { compileEquationType } from './compile-type.js';

/** Compiled definitions, keyed by the type's text: a type is compiled again only when it changed. */
export class ProjectDefs {
  private cache = new Map<string, { key: string; def: BlockDef | undefined }>();
  private types: Readonly<Record<string, unknown>> = {};

  /** Sets the project's types (the document's `types`, or {}). */
  setTypes(types: Readonly<Record<string, unknown>> | undefined): void {
    this.types = types ?? {};
    for (const name of [...this.cache.keys()]) if (!Object.hasOwn(this.types, name)) this.cache.delete(name);
  }

  /** The names of the project's types, in document order. */
  names(): string[] {
    return Object.keys(this.types);
  }

  /** The type's definition when it compiles without a diagnostic, else undefined. */
  own(type: string): BlockDef | undefined {
    if (!Object.hasOwn(this.types, type)) return undefined;
    const input = this.types[type];
    const key = JSON.stringify(input);
    const hit = this.cache.get(type);
    if (hit && hit.key === key) return hit.def;
    const { def, diagnostics } = compileEquationType(type, input);
    const result = diagnostics.length === 0 ? def : undefined;
    this.cache.set(type, { key, def: result });
    return result;
  }

  /** A block type as the project sees it: its own type, or a built-in. */
  def(type: string): BlockDef | undefined {
    return Object.hasOwn(this.types, type) ? this.own(type) : blockDef(type);
  }

  /** The type as the document has it (an object, possibly not a valid type). */
  input(type: string): Record<string, unknown> {
    const t = Object.hasOwn(this.types, type) ? this.types[type] : undefined;
    return typeof t === 'object' && t !== null ? (t as Record<string, unknown>) : {};
  }

  /** Whether `type` is one of the project's own types (compiling or not). */
  isOwn(type: string): boolean {
    return Object.hasOwn(this.types, type);
  }
}
