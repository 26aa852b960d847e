/**
 * Projects, drafts and examples as the API offers them: create, open, save (a new version
 * only when the document changed), Save as with the run history moved along, rename,
 * duplicate, delete, import and export; the autosaved drafts and recent projects
 * (drafts.ts); the scratch project that keeps runs of unsaved documents; and the bundled
 * example projects.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ExampleInfo, OpenProject, SpikeflowApi } from '../../src-shared/api.js';
import { DocumentError } from '../../src-shared/document/errors.js';
import { parseDocumentText } from '../../src-shared/document/load.js';
import { DOCUMENT_FORMAT, DOCUMENT_VERSION, type ProjectDocument } from '../../src-shared/document/schema.js';
import { prepareDocument, type PreparedDocument } from '../store/projects.js';
import type { ServiceContext } from './context.js';
import { checkedDocument, documentDiagnostics, oneLine } from './documents.js';
import { cleanText } from '../store/names.js';
import { ApiError } from './errors.js';
import type { InfoMapper } from './run-info.js';

/** The name the scratch project gets (" (2)", " (3)"… when a project has it already). */
export const SCRATCH_NAME = 'Scratch (runs of unsaved documents)';

type ProjectMethods = Pick<SpikeflowApi,
  'listProjects' | 'createProject' | 'saveProjectAs' | 'scratchProject' | 'openProject' | 'saveProject' | 'renameProject' |
  'duplicateProject' | 'deleteProject' | 'listVersions' | 'importProject' | 'exportProject' | 'saveDraft' | 'loadDraft' |
  'recentProjects' | 'listExamples' | 'loadExample'> & {
  /**
   * importProject with the file's document already checked and prepared (importedDocument,
   * importedForStoring; the web host does that off its event loop): the answer without the
   * document object, which the web host sends as the prepared text.
   */
  importCheckedProject(imported: ImportedDocument, name?: string): Promise<Omit<OpenProject, 'document'>>;
};

/** An imported document as the web host's main thread gets it: stored form and name, not the object (slow to copy). */
export interface ImportedDocument {
  prepared: PreparedDocument;
  name: string;
}

/** What storing an imported document needs. */
export function importedForStoring(doc: ProjectDocument): ImportedDocument {
  return { prepared: prepareDocument(doc), name: doc.name };
}

/** An imported file's document, checked; its problems become an ApiError (also run off the web host's event loop). */
export function importedDocument(json: string): ProjectDocument {
  try {
    return parseDocumentText(json, 'the imported file');
  } catch (err) {
    if (err instanceof DocumentError) throw new ApiError(oneLine(err.message), documentDiagnostics(err), { cause: err });
    throw err;
  }
}

export function projectMethods(ctx: ServiceContext, info: InfoMapper, examplesDir: string): ProjectMethods {
  const { lab, app, active } = ctx;
  const { summaryOf, opened, versionOf } = info;

  /** `base`, or `base (2)`, `base (3)`… whichever no project has (shortened to fit). */
  const unusedName = (base: string) => lab.projects.unusedName(base);

  function readExample(file: string): ProjectDocument {
    // API_PARAMS allows only a plain file name; basename() keeps it so if called directly.
    const full = path.join(examplesDir, path.basename(file));
    let text: string;
    try {
      text = fs.readFileSync(full, 'utf8');
    } catch {
      throw new ApiError(`there is no example "${file}" (see File → Examples for the list)`);
    }
    return parseDocumentText(text, file);
  }

  const methods: ProjectMethods = {
    async listExamples(): Promise<ExampleInfo[]> {
      let files: string[];
      try {
        files = fs.readdirSync(examplesDir).filter((f) => f.endsWith('.json')).sort();
      } catch {
        return [];
      }
      const examples: ExampleInfo[] = [];
      for (const file of files) {
        try {
          const doc = readExample(file);
          examples.push({ file, name: doc.name, description: doc.description });
        } catch {
          // A broken example is left out of the menu rather than breaking it.
        }
      }
      return examples;
    },

    async loadExample(file) {
      return readExample(file);
    },

    async listProjects() {
      return lab.projects.list().map(summaryOf);
    },

    async createProject(name, document) {
      const doc = checkedDocument(document);
      const created = lab.projects.create(name, doc);
      app.clearDraft(null);
      app.touch(created.project.id);
      return opened(created.project.id, created.version, created.document);
    },

    async saveProjectAs(name, document, runIds) {
      const doc = checkedDocument(document);
      const created = lab.projects.saveAsWithRuns(name, doc, runIds);
      // The document now lives in its own project: the draft of the unsaved one is done with.
      app.clearDraft(null);
      app.touch(created.project.id);
      return opened(created.project.id, created.version, created.document);
    },

    async scratchProject() {
      const id = app.scratchId();
      const existing = id === null ? undefined : lab.projects.find(id);
      if (existing) return summaryOf(existing);
      // Version 1 is an empty document: every run adds the version it ran.
      const empty: ProjectDocument = {
        format: DOCUMENT_FORMAT, version: DOCUMENT_VERSION, name: 'Scratch', description: 'Runs of documents not saved as a project.',
        run: { dt: '0.1 ms', duration: '100 ms', seed: 1 }, blocks: [], edges: [],
      };
      const created = lab.projects.create(unusedName(SCRATCH_NAME), empty, 'the scratch project');
      app.setScratch(created.project.id);
      return summaryOf(lab.projects.get(created.project.id));
    },

    async openProject(projectId, versionId) {
      let number: number | undefined;
      if (versionId !== undefined) {
        const { version } = lab.projects.versionById(versionId);
        if (version.projectId !== projectId) {
          throw new ApiError(`version ${versionId} belongs to another project, not to project ${projectId}`);
        }
        number = version.number;
      }
      const project = lab.projects.open(projectId, number);
      app.touch(projectId);
      return opened(projectId, project.version, project.document);
    },

    async saveProject(projectId, document, message) {
      const doc = checkedDocument(document);
      const { version } = lab.projects.saveIfChanged(projectId, doc, message ?? null);
      app.clearDraft(projectId);
      app.touch(projectId);
      return versionOf(version);
    },

    async renameProject(projectId, name) {
      lab.projects.rename(projectId, name);
    },

    async duplicateProject(projectId, name) {
      const copy = lab.projects.duplicate(projectId, name);
      return summaryOf(copy.project);
    },

    async deleteProject(projectId) {
      for (const runId of active.keys()) {
        if (lab.runs.get(runId).projectId === projectId) {
          throw new ApiError(`project ${projectId} has run ${runId} in progress; stop it before deleting the project`);
        }
      }
      lab.projects.delete(projectId);
    },

    async listVersions(projectId) {
      return lab.projects.versions(projectId).map(versionOf);
    },

    async importProject(json, name) {
      const doc = importedDocument(json);
      return { ...(await methods.importCheckedProject(importedForStoring(doc), name)), document: doc };
    },

    async importCheckedProject(imported, name) {
      const wanted = cleanText(name ?? imported.name) || 'Imported project';
      const created = lab.projects.createPrepared(unusedName(wanted), imported.prepared, 'imported');
      app.touch(created.project.id);
      return { project: summaryOf(lab.projects.get(created.project.id)), versionId: created.version.id };
    },

    async exportProject(projectId, versionId) {
      const doc = (await methods.openProject(projectId, versionId)).document;
      return `${JSON.stringify(doc, null, 2)}\n`;
    },

    async saveDraft(projectId, document) {
      try {
        app.saveDraft(projectId, document);
      } catch (err) {
        if (err instanceof DocumentError) throw new ApiError(`the draft is not a valid document: ${oneLine(err.message)}`, documentDiagnostics(err), { cause: err });
        throw err;
      }
    },

    async loadDraft(projectId) {
      if (projectId !== null) lab.projects.get(projectId);
      return app.loadDraft(projectId);
    },

    async recentProjects() {
      const out = [];
      for (const id of app.recent()) {
        const p = lab.projects.find(id);
        if (p) out.push(summaryOf(p));
      }
      return out;
    },
  };
  return methods;
}
