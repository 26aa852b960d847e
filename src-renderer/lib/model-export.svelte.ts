/**
 * File → Export model… and File → Import run…: the dialog's state and its two actions.
 * Export asks the host for the script (src-main/api/model-export.ts) and offers it as a
 * download (a save dialog in the desktop app); a refusal lists each block that cannot go.
 * Import reads the CSV files an exported script wrote and keeps them as a run, overlaid on
 * the shown run (RunController.importRun).
 */
import type { ApiDiagnostic, ModelExportOptions } from '../../src-shared/api.js';
import type { ApiCallError } from './api-client.js';
import { downloadText, pickFiles } from './downloads.js';
import type { Studio } from './studio.svelte.js';

export type Simulator = ModelExportOptions['to'];

/** Which of the two dialogs is open (null: neither). */
class ModelExportDialog {
  mode = $state<'export' | 'import' | null>(null);
  busy = $state(false);
  /** Why the last export failed: the blocks refused, each with its reason, or one message. */
  refusals = $state.raw<ApiDiagnostic[]>([]);
  error = $state('');

  open(mode: 'export' | 'import'): void {
    this.mode = mode;
    this.busy = false;
    this.refusals = [];
    this.error = '';
  }

  close(): void {
    this.mode = null;
  }
}

export const modelExportDialog = new ModelExportDialog();

/** Exports the open document; true when the script was offered for download. */
export async function exportModel(studio: Studio, options: ModelExportOptions): Promise<boolean> {
  const d = modelExportDialog;
  d.busy = true;
  d.refusals = [];
  d.error = '';
  try {
    const r = await studio.api.exportModel(studio.document(), options);
    downloadText(r.filename, r.text, 'text/x-python');
    for (const note of r.notes) studio.notify(note, 'info', 6000);
    return true;
  } catch (err) {
    const e = err as ApiCallError;
    d.refusals = e.diagnostics?.filter((x) => x.block !== undefined) ?? [];
    d.error = d.refusals.length > 0 ? '' : e.message;
    return false;
  } finally {
    d.busy = false;
  }
}

/** Lets the user pick the CSV files of an exported script's run and imports them; true when imported. */
export async function importRun(studio: Studio, simulator: Simulator): Promise<boolean> {
  const files = await pickFiles('.csv,text/csv');
  if (files.length === 0) return false;
  return (await studio.runner.importRun(files, simulator)) !== null;
}
