/**
 * What the app keeps besides saved versions: autosaved drafts of unsaved edits (one per
 * project, plus one for a project not saved yet), the recently opened projects, and which
 * project is the scratch project (where runs of unsaved documents are kept).
 *
 * These two tables live in the lab file but are created here with IF NOT EXISTS rather
 * than by a numbered store migration, because the store's migrations belong to the lab
 * store (issue 4). The tables are self-contained (only foreign keys to `projects`, cascading
 * on delete), so a later store migration can adopt them unchanged with the same
 * `CREATE TABLE IF NOT EXISTS` statements below.
 */
import type Database from 'better-sqlite3';
import { parseDocument } from '../../src-shared/document/load.js';
import type { ProjectDocument } from '../../src-shared/document/schema.js';
import { timestamp, type Lab } from '../store/lab.js';

/** The statements that create the app's tables; safe to run on every open. */
export const APP_TABLES_SQL = `
  CREATE TABLE IF NOT EXISTS app_drafts (
    id INTEGER PRIMARY KEY,
    -- NULL: the draft of a project that has not been saved yet.
    project_id INTEGER REFERENCES projects(id) ON DELETE CASCADE,
    saved_at TEXT NOT NULL,
    document TEXT NOT NULL
  ) STRICT;
  CREATE UNIQUE INDEX IF NOT EXISTS app_drafts_one_per_project ON app_drafts(ifnull(project_id, 0));

  CREATE TABLE IF NOT EXISTS app_recent_projects (
    project_id INTEGER PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
    opened_at TEXT NOT NULL,
    -- Orders opens within the same millisecond.
    seq INTEGER NOT NULL
  ) STRICT;

  -- At most one row: the project that keeps the runs of documents not saved as a project.
  CREATE TABLE IF NOT EXISTS app_scratch (
    only INTEGER PRIMARY KEY CHECK (only = 1),
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE
  ) STRICT;
`;

/** How many recent projects are kept. */
export const RECENT_LIMIT = 10;

/** Drafts and recent projects of one lab (shares the lab's connection). */
export class AppState {
  private readonly sql: {
    deleteDraft: Database.Statement;
    insertDraft: Database.Statement;
    draft: Database.Statement;
    touch: Database.Statement;
    trim: Database.Statement;
    recent: Database.Statement;
    scratch: Database.Statement;
    setScratch: Database.Statement;
  };

  constructor(private readonly lab: Lab) {
    lab.write('creating the app tables', () => lab.db.exec(APP_TABLES_SQL));
    const db = lab.db;
    this.sql = {
      deleteDraft: db.prepare('DELETE FROM app_drafts WHERE project_id IS ?'),
      insertDraft: db.prepare('INSERT INTO app_drafts (project_id, saved_at, document) VALUES (?, ?, ?)'),
      draft: db.prepare('SELECT document FROM app_drafts WHERE project_id IS ?'),
      touch: db.prepare(
        `INSERT INTO app_recent_projects (project_id, opened_at, seq)
         VALUES (?, ?, (SELECT ifnull(max(seq), 0) + 1 FROM app_recent_projects))
         ON CONFLICT(project_id) DO UPDATE SET opened_at = excluded.opened_at, seq = excluded.seq`,
      ),
      trim: db.prepare(
        'DELETE FROM app_recent_projects WHERE project_id NOT IN (SELECT project_id FROM app_recent_projects ORDER BY seq DESC LIMIT ?)',
      ),
      recent: db.prepare('SELECT project_id FROM app_recent_projects ORDER BY seq DESC LIMIT ?'),
      scratch: db.prepare('SELECT project_id FROM app_scratch WHERE only = 1'),
      setScratch: db.prepare('INSERT INTO app_scratch (only, project_id) VALUES (1, ?) ON CONFLICT(only) DO UPDATE SET project_id = excluded.project_id'),
    };
  }

  /** Replaces the draft of `projectId` (null: the unsaved project); a null document clears it. */
  saveDraft(projectId: number | null, document: unknown): void {
    if (projectId !== null) this.lab.projects.get(projectId);
    const text = document === null ? null : JSON.stringify(parseDocument(document));
    this.lab.write(`saving the draft of ${projectId === null ? 'the unsaved project' : `project ${projectId}`}`, () => {
      this.sql.deleteDraft.run(projectId);
      if (text !== null) this.sql.insertDraft.run(projectId, timestamp(), text);
    });
  }

  /** The draft of `projectId`, or null; a draft this version cannot read is dropped. */
  loadDraft(projectId: number | null): ProjectDocument | null {
    const row = this.lab.guard('reading a draft', () => this.sql.draft.get(projectId) as { document: string } | undefined);
    if (!row) return null;
    try {
      return parseDocument(JSON.parse(row.document));
    } catch {
      return null;
    }
  }

  /** Drops the draft of `projectId` (after a save). */
  clearDraft(projectId: number | null): void {
    this.lab.write('clearing a draft', () => this.sql.deleteDraft.run(projectId));
  }

  /** Marks a project as just opened. */
  touch(projectId: number): void {
    this.lab.write('remembering a recent project', () => {
      this.sql.touch.run(projectId, timestamp());
      this.sql.trim.run(RECENT_LIMIT);
    });
  }

  /** The scratch project's id, or null when there is none (never made, or deleted). */
  scratchId(): number | null {
    const row = this.lab.guard('reading the scratch project', () => this.sql.scratch.get() as { project_id: number } | undefined);
    return row?.project_id ?? null;
  }

  /** Makes `projectId` the scratch project. */
  setScratch(projectId: number): void {
    this.lab.write('remembering the scratch project', () => this.sql.setScratch.run(projectId));
  }

  /** Ids of the recently opened projects, newest first. */
  recent(): number[] {
    return this.lab.guard('listing recent projects', () =>
      (this.sql.recent.all(RECENT_LIMIT) as Array<{ project_id: number }>).map((r) => r.project_id),
    );
  }
}
