/**
 * The library of block types as the API offers it: list, save (only a type that compiles,
 * so the library never holds one that a project could not use) and delete.
 */
import type { LibraryTypeInfo, SpikeflowApi } from '../../src-shared/api.js';
import { compileEquationType } from '../../src-shared/equations/compile-type.js';
import type { BlockTypeInput } from '../../src-shared/equations/type-schema.js';
import type { LibraryTypeRecord } from '../store/type-library.js';
import type { ServiceContext } from './context.js';
import { ApiError } from './errors.js';

type TypeLibraryMethods = Pick<SpikeflowApi, 'listLibraryTypes' | 'saveLibraryType' | 'deleteLibraryType'>;

function info(r: LibraryTypeRecord): LibraryTypeInfo {
  return {
    name: r.name,
    category: r.category === 'synapse' ? 'synapse' : 'neuron',
    title: r.title,
    savedAt: r.savedAt,
    type: r.definition as BlockTypeInput,
  };
}

export function typeLibraryMethods(ctx: ServiceContext): TypeLibraryMethods {
  const { lab } = ctx;
  return {
    async listLibraryTypes() {
      return lab.typeLibrary.list().map(info);
    },

    async saveLibraryType(name, type) {
      const { def, diagnostics } = compileEquationType(name, type);
      if (!def || diagnostics.length > 0) {
        const first = diagnostics[0];
        const at = first && first.line > 0 ? ` line ${first.line}:${first.column}` : '';
        throw new ApiError(`block type "${name}" does not compile (${first?.field ?? 'type'}${at}: ${first?.message ?? 'unknown problem'}); only a type that compiles is kept in the library`);
      }
      return info(lab.typeLibrary.save(name, def.category, def.title, type));
    },

    async deleteLibraryType(name) {
      if (!lab.typeLibrary.delete(name)) throw new ApiError(`the library has no block type "${name}"`);
    },
  };
}
