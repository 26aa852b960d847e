/**
 * File → Export model… and Runs → Import run… of the app: the exporters and import-run of
 * src-main/export behind the typed API. A refusal becomes an ApiError whose diagnostics name
 * each block that cannot go, so the page can list them; the import's checks (file names,
 * headers, the step grid) come back as one message naming the file.
 */
import type { ApiDiagnostic, ImportedCsvFile, ModelExportOptions, ModelExportResult, RunInfo } from '../../src-shared/api.js';
import { CompileError } from '../compiler/diagnostics.js';
import { exportDocumentText } from '../export/export-model.js';
import { importRunFiles } from '../export/import-run.js';
import { ExportRefusal } from '../export/refusal.js';
import type { ServiceContext } from './context.js';
import { checkedDocument } from './documents.js';
import { ApiError } from './errors.js';
import type { InfoMapper } from './run-info.js';

/** A file name for the script: the project's name made safe, and the target. */
export function scriptFileName(projectName: string, to: ModelExportOptions['to']): string {
  const base = projectName.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'model';
  return `${base}_${to}.py`;
}

export function modelExportMethods(ctx: ServiceContext, info: InfoMapper) {
  async function exportModel(document: unknown, options: ModelExportOptions): Promise<ModelExportResult> {
    const doc = checkedDocument(document);
    const notes: string[] = [];
    try {
      const text = exportDocumentText(doc, `the Spikeflow project "${doc.name}"`, options, notes);
      return { filename: scriptFileName(doc.name, options.to), text, notes };
    } catch (err) {
      if (err instanceof ExportRefusal) {
        const diagnostics: ApiDiagnostic[] = err.refusals.map((r) => ({ block: r.block, message: `${r.type}: ${r.reason}` }));
        throw new ApiError(err.message, diagnostics, { cause: err });
      }
      if (err instanceof CompileError) throw new ApiError(err.message, err.diagnostics, { cause: err });
      throw err;
    }
  }

  async function importRunCsv(projectId: number, document: unknown, files: ImportedCsvFile[], simulator: string): Promise<RunInfo> {
    const project = ctx.lab.projects.get(projectId);
    const doc = checkedDocument(document);
    // The page sends what the user picked; only the file's own name counts, not a folder.
    const byName = new Map<string, string>();
    for (const f of files) {
      const name = f.name.split(/[\\/]/).pop()!;
      if (byName.has(name)) throw new ApiError(`${name} was given twice`);
      byName.set(name, f.text);
    }
    try {
      const r = importRunFiles(ctx.lab, doc, byName, { name: project.name, simulator });
      return info.getRunInfo(r.runId);
    } catch (err) {
      if (err instanceof CompileError) throw new ApiError(err.message, err.diagnostics, { cause: err });
      // The CLI's advice names its option; in the app the run bar's Duration is what to change.
      const message = (err as Error).message.replace(/give --duration/g, 'set Duration in the run bar to the time the script ran');
      throw new ApiError(`the recordings do not fit this project: ${message}`, undefined, { cause: err });
    }
  }

  return { exportModel, importRunCsv };
}
