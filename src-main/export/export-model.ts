/**
 * `spikeflow export-model <project.json> --to brian2|pynn --out <file.py>`: compiles the
 * document (so connectivity, weights and initial values are the ones a Spikeflow run with
 * the same seed draws) and writes a script for the other simulator, or refuses by block.
 */
import { writeFileSync } from 'node:fs';
import { compile } from '../compiler/compile.js';
import { inFile, loadProjectFile } from '../cli/load-project.js';
import { brian2Script } from './brian2/script.js';
import { pynnScript } from './pynn/script.js';
import type { ProjectDocument } from '../../src-shared/document/schema.js';

export const EXPORT_TARGETS = ['brian2', 'pynn'] as const;
export type ExportTarget = (typeof EXPORT_TARGETS)[number];

export interface ExportOptions {
  to: ExportTarget;
  regenerate?: boolean;
  device?: 'runtime' | 'cpp_standalone';
  threads?: number;
  seed?: number;
  duration?: string;
  dt?: string;
}

/**
 * The script text for a project file (throws ExportRefusal or a compile error). `notes`
 * receives what the script leaves out (probes the target cannot record).
 */
export function exportModelText(file: string, opts: ExportOptions, notes: string[] = []): string {
  return inFile(file, () => exportDocumentText(loadProjectFile(file), file, opts, notes));
}

/**
 * The script text for a document (the CLI's file, or the app's open document); `source`
 * names where it came from in the script's header.
 */
export function exportDocumentText(doc: ProjectDocument, source: string, opts: ExportOptions, notes: string[] = []): string {
  const overrides: { seed?: number; duration?: string; dt?: string } = {};
  if (opts.seed !== undefined) overrides.seed = opts.seed;
  if (opts.duration !== undefined) overrides.duration = opts.duration;
  if (opts.dt !== undefined) overrides.dt = opts.dt;
  const plan = compile(doc, overrides);
  const common = { source, ...(opts.regenerate ? { regenerate: true } : {}) };
  if (opts.to === 'pynn') return pynnScript(doc, plan, common, notes);
  return brian2Script(doc, plan, {
    ...common,
    ...(opts.device ? { device: opts.device } : {}),
    ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
  });
}

/** Writes the script; returns its path. */
export function exportModel(file: string, out: string, opts: ExportOptions, notes: string[] = []): string {
  const text = exportModelText(file, opts, notes);
  try {
    writeFileSync(out, text, { mode: 0o755 });
  } catch (e) {
    throw new Error(`cannot write ${out}: ${(e as Error).message}`, { cause: e });
  }
  return out;
}
