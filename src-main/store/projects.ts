/**
 * Projects and their saved versions. A save never overwrites: each one is a new version
 * (number 1, 2, 3… with timestamp and optional message), restoring copies an old version
 * forward as a new one, and runs point at the exact version they ran.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument, parseDocumentText } from '../../src-shared/document/load.js';
import { documentSizeProblem, type ProjectDocument } from '../../src-shared/document/schema.js';
import { DamagedDataError, documentChecksum } from './checksums.js';
import { LabError, sqliteCode } from './errors.js';
import { timestamp, type Lab } from './lab.js';
import { cleanText, MAX_NAME_LENGTH, nameLength, unusedName } from './names.js';

/** A project by id (number) or by name (string). */
export type ProjectRef = number | string;

/** A project as listed. */
export interface ProjectInfo {
  id: number;
  name: string;
  createdAt: string;
  updatedAt: string;
  /** Number of saved versions. */
  versions: number;
  /** Number of the latest version. */
  latestVersion: number;
  runs: number;
}

/** One saved version of a project's document. */
export interface VersionInfo {
  /** Lab-wide id (runs refer to it). */
  id: number;
  projectId: number;
  /** 1, 2, 3… within the project. */
  number: number;
  savedAt: string;
  message: string | null;
  hash: string;
}

/** A project with one version's document. */
export interface OpenedProject {
  project: ProjectInfo;
  version: VersionInfo;
  document: ProjectDocument;
}

/** JSON with object keys sorted, so equal documents hash equally whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The hash stored with each version: sha256 of the canonical JSON of the validated document. */
export function documentHash(document: ProjectDocument): string {
  return createHash('sha256').update(canonicalJson(document)).digest('hex');
}

/**
 * A validated document in the form the lab stores (compact JSON, its hash and its checksum),
 * made where it was validated: the web host's frame workers prepare documents off the event
 * loop and hand the main thread this text only (a 15 MB spike train's document object took
 * 200 ms to copy across, its text 10 ms; its checksum 15–30 ms on the event loop). Only code
 * of this program makes one; API callers' documents are validated and prepared by the store
 * itself.
 */
export interface PreparedDocument {
  text: string;
  hash: string;
  checksum: number;
}

/** Prepares a document that parseDocument has validated. */
export function prepareDocument(document: ProjectDocument): PreparedDocument {
  const text = JSON.stringify(document);
  return { text, hash: documentHash(document), checksum: documentChecksum(text) };
}

/** A project and the version just saved (the document is the caller's). */
export interface SavedProject {
  project: ProjectInfo;
  version: VersionInfo;
}

interface ProjectRow {
  id: number;
  name: string;
  created_at: string;
  updated_at: string;
  versions: number;
  latest: number | null;
  runs: number;
}

interface VersionInfoRow {
  id: number;
  project_id: number;
  number: number;
  saved_at: string;
  message: string | null;
  document_hash: string;
}

interface VersionRow extends VersionInfoRow {
  document: string;
  document_checksum: number | null;
}

const PROJECT_COLUMNS = `
  p.id, p.name, p.created_at, p.updated_at,
  (SELECT count(*) FROM project_versions v WHERE v.project_id = p.id) AS versions,
  (SELECT max(number) FROM project_versions v WHERE v.project_id = p.id) AS latest,
  (SELECT count(*) FROM runs r JOIN project_versions v ON v.id = r.version_id WHERE v.project_id = p.id) AS runs`;

/** A version's columns without its document (VersionInfo): a list or a save reads no megabytes of JSON. */
const VERSION_INFO_COLUMNS = 'id, project_id, number, saved_at, message, document_hash';
const VERSION_COLUMNS = `${VERSION_INFO_COLUMNS}, document, document_checksum`;

function toProject(row: ProjectRow): ProjectInfo {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    versions: row.versions,
    latestVersion: row.latest ?? 0,
    runs: row.runs,
  };
}

function toVersion(row: VersionInfoRow): VersionInfo {
  return {
    id: row.id,
    projectId: row.project_id,
    number: row.number,
    savedAt: row.saved_at,
    message: row.message,
    hash: row.document_hash,
  };
}

/**
 * A project name as stored: cleaned of control characters and invalid Unicode (names.ts),
 * not blank, at most MAX_NAME_LENGTH characters.
 */
function checkName(name: string, file: string): string {
  const clean = typeof name === 'string' ? cleanText(name) : '';
  if (clean === '' || nameLength(clean) > MAX_NAME_LENGTH) {
    throw new LabError(`${file}: ${JSON.stringify(name)} is not a usable project name (1 to ${MAX_NAME_LENGTH} characters)`, file);
  }
  return clean;
}

/** A version's message as stored: one line of valid Unicode, or null. */
function cleanMessage(message: string | null): string | null {
  return message === null ? null : cleanText(message);
}

/** Projects of one lab. Obtain through `lab.projects`. */
export class ProjectStore {
  private readonly sql;

  /** Prepares every statement once; they are reused for the life of the lab. */
  constructor(private readonly lab: Lab) {
    const db = lab.db;
    this.sql = {
      list: db.prepare(`SELECT ${PROJECT_COLUMNS} FROM projects p ORDER BY p.name`),
      byId: db.prepare(`SELECT ${PROJECT_COLUMNS} FROM projects p WHERE p.id = ?`),
      byName: db.prepare(`SELECT ${PROJECT_COLUMNS} FROM projects p WHERE p.name = ?`),
      insertProject: db.prepare('INSERT INTO projects (name, created_at, updated_at) VALUES (?, ?, ?)'),
      touch: db.prepare('UPDATE projects SET updated_at = ? WHERE id = ?'),
      rename: db.prepare('UPDATE projects SET name = ?, updated_at = ? WHERE id = ?'),
      delete: db.prepare('DELETE FROM projects WHERE id = ?'),
      insertVersion: db.prepare(
        'INSERT INTO project_versions (project_id, number, saved_at, message, document, document_hash, document_checksum) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      latest: db.prepare(`SELECT ${VERSION_COLUMNS} FROM project_versions WHERE project_id = ? ORDER BY number DESC LIMIT 1`),
      version: db.prepare(`SELECT ${VERSION_COLUMNS} FROM project_versions WHERE project_id = ? AND number = ?`),
      versionById: db.prepare(`SELECT ${VERSION_COLUMNS} FROM project_versions WHERE id = ?`),
      latestInfo: db.prepare(`SELECT ${VERSION_INFO_COLUMNS} FROM project_versions WHERE project_id = ? ORDER BY number DESC LIMIT 1`),
      versionInfoById: db.prepare(`SELECT ${VERSION_INFO_COLUMNS} FROM project_versions WHERE id = ?`),
      versions: db.prepare(`SELECT ${VERSION_INFO_COLUMNS} FROM project_versions WHERE project_id = ? ORDER BY number`),
      moveRun: db.prepare('UPDATE runs SET version_id = ? WHERE id = ?'),
    };
  }

  /** All projects, by name. */
  list(): ProjectInfo[] {
    return this.lab.guard('listing projects', () => (this.sql.list.all() as ProjectRow[]).map(toProject));
  }

  /** The project, or undefined when there is none by that id or name. */
  find(ref: ProjectRef): ProjectInfo | undefined {
    return this.lab.guard(`looking up project ${JSON.stringify(ref)}`, () => {
      const row = (typeof ref === 'number' ? this.sql.byId.get(ref) : this.sql.byName.get(ref)) as ProjectRow | undefined;
      return row && toProject(row);
    });
  }

  /**
   * `name` (cleaned), or `name (2)`, `name (3)`… whichever no project has, shortened where
   * the suffix would make it too long.
   */
  unusedName(name: string): string {
    return unusedName(checkName(name, this.lab.file), (candidate) => this.find(candidate) !== undefined);
  }

  /** The project; throws a LabError naming it when it does not exist. */
  get(ref: ProjectRef): ProjectInfo {
    const project = this.find(ref);
    if (project) return project;
    const label = typeof ref === 'number' ? `with id ${ref}` : JSON.stringify(ref);
    throw new LabError(`${this.lab.file} has no project ${label}`, this.lab.file);
  }

  /** Creates a project whose version 1 is `document`. */
  create(name: string, document: ProjectDocument, message: string | null = null): OpenedProject {
    const clean = checkName(name, this.lab.file);
    const doc = this.validate(document, clean);
    return { ...this.createPrepared(clean, prepareDocument(doc), message), document: doc };
  }

  /** create() of a document validated and prepared elsewhere. */
  createPrepared(name: string, prepared: PreparedDocument, message: string | null = null): SavedProject {
    const clean = checkName(name, this.lab.file);
    const versionId = this.lab.write(`creating project ${JSON.stringify(clean)}`, () => {
      if (this.sql.byName.get(clean)) throw this.nameTaken(clean);
      const now = timestamp();
      const projectId = Number(this.sql.insertProject.run(clean, now, now).lastInsertRowid);
      return this.insertVersion(projectId, 1, now, message, prepared);
    });
    const row = this.sql.versionInfoById.get(versionId) as VersionInfoRow;
    return { project: this.get(row.project_id), version: toVersion(row) };
  }

  /** The latest version of a project (or version `number`) with its document. */
  open(ref: ProjectRef, number?: number): OpenedProject {
    const project = this.get(ref);
    const row = this.lab.guard(`opening project ${JSON.stringify(project.name)}`, () =>
      (number === undefined ? this.sql.latest.get(project.id) : this.sql.version.get(project.id, number)) as VersionRow | undefined,
    );
    if (!row) {
      throw new LabError(
        `${this.lab.file}: project ${JSON.stringify(project.name)} has no version ${number} (it has 1 to ${project.latestVersion})`,
        this.lab.file,
      );
    }
    return { project, version: toVersion(row), document: this.parseStored(row, `project ${JSON.stringify(project.name)} version ${row.number}`) };
  }

  /** Every saved version of a project, oldest first (documents not included). */
  versions(ref: ProjectRef): VersionInfo[] {
    const project = this.get(ref);
    return this.lab.guard(`listing versions of project ${JSON.stringify(project.name)}`, () =>
      (this.sql.versions.all(project.id) as VersionInfoRow[]).map(toVersion),
    );
  }

  /** A version by its lab-wide id, with the document (what a run ran). */
  versionById(versionId: number): { version: VersionInfo; document: ProjectDocument } {
    const row = this.lab.guard(`reading project version ${versionId}`, () => this.sql.versionById.get(versionId) as VersionRow | undefined);
    if (!row) throw new LabError(`${this.lab.file} has no project version with id ${versionId}`, this.lab.file);
    return { version: toVersion(row), document: this.parseStored(row, `project version ${versionId}`) };
  }

  /** Saves `document` as the project's next version, always (even if unchanged). */
  save(ref: ProjectRef, document: ProjectDocument, message: string | null = null): VersionInfo {
    return this.saveVersion(ref, document, message, false).version;
  }

  /**
   * Saves `document` as a new version only if it differs from the latest one; returns the
   * version that holds it and whether a new one was written.
   */
  saveIfChanged(ref: ProjectRef, document: ProjectDocument, message: string | null = null): { version: VersionInfo; saved: boolean } {
    return this.saveVersion(ref, document, message, true);
  }

  /** saveIfChanged() of a document validated and prepared elsewhere. */
  saveIfChangedPrepared(ref: ProjectRef, prepared: PreparedDocument, message: string | null = null): { version: VersionInfo; saved: boolean } {
    return this.savePrepared(this.get(ref), prepared, message, true);
  }

  /** Makes an earlier version the latest again, by saving a copy of it as a new version. */
  restore(ref: ProjectRef, number: number, message?: string): VersionInfo {
    const old = this.open(ref, number);
    return this.save(old.project.id, old.document, message ?? `restored version ${number}`);
  }

  /** Renames a project; its versions and runs follow. */
  rename(ref: ProjectRef, newName: string): ProjectInfo {
    const project = this.get(ref);
    const clean = checkName(newName, this.lab.file);
    this.lab.write(`renaming project ${JSON.stringify(project.name)}`, () => {
      try {
        this.sql.rename.run(clean, timestamp(), project.id);
      } catch (err) {
        if (sqliteCode(err) === 'SQLITE_CONSTRAINT_UNIQUE') throw this.nameTaken(clean);
        throw err;
      }
    });
    return this.get(project.id);
  }

  /**
   * Copies a project under a new name. The copy starts with one version, the source's
   * latest document (its message says where it came from); runs are not copied.
   */
  duplicate(ref: ProjectRef, newName: string): OpenedProject {
    const source = this.open(ref);
    return this.create(newName, source.document, `duplicated from ${source.project.name} version ${source.version.number}`);
  }

  /**
   * Save as, taking the run history along: creates project `newName` and moves the runs
   * `runIds` into it. A run points at the exact version it ran, so each version those runs
   * ran is copied into the new project first (oldest first, its message saying where it
   * came from) and the runs are pointed at the copies; `document` is then the latest
   * version. The projects the runs came from keep all their versions. All or nothing.
   */
  saveAsWithRuns(newName: string, document: ProjectDocument, runIds: readonly number[]): OpenedProject {
    const clean = checkName(newName, this.lab.file);
    const doc = this.validate(document, clean);
    const runs = runIds.map((id) => this.lab.runs.get(id));
    const id = this.lab.write(`saving project ${JSON.stringify(clean)} with its runs`, () => {
      if (this.sql.byName.get(clean)) throw this.nameTaken(clean);
      const now = timestamp();
      const projectId = Number(this.sql.insertProject.run(clean, now, now).lastInsertRowid);
      const copies = new Map<number, number>();
      let number = 0;
      let lastHash: string | null = null;
      for (const versionId of [...new Set(runs.map((r) => r.versionId))].sort((a, b) => a - b)) {
        const row = this.sql.versionById.get(versionId) as VersionRow;
        const from = runs.find((r) => r.versionId === versionId)!;
        const message = `from ${from.projectName} version ${from.versionNumber}${row.message ? ` (${row.message})` : ''}`;
        number += 1;
        this.checkStored(row, `project ${JSON.stringify(from.projectName)} version ${from.versionNumber}`);
        const copy = this.sql.insertVersion.run(projectId, number, row.saved_at, cleanMessage(message), row.document, row.document_hash, row.document_checksum);
        copies.set(versionId, Number(copy.lastInsertRowid));
        lastHash = row.document_hash;
      }
      const prepared = prepareDocument(doc);
      if (prepared.hash !== lastHash) this.insertVersion(projectId, number + 1, now, null, prepared);
      for (const run of runs) this.sql.moveRun.run(copies.get(run.versionId)!, run.id);
      return projectId;
    });
    return this.open(id);
  }

  /** Deletes a project with all its versions, runs and recordings, and reclaims the space. */
  delete(ref: ProjectRef): void {
    const project = this.get(ref);
    const running = this.lab.runs.list({ project: project.id }).filter((r) => r.status === 'running');
    if (running.length > 0) {
      throw new LabError(
        `${this.lab.file}: project ${JSON.stringify(project.name)} has run ${running[0]!.id} still recording; stop it before deleting the project`,
        this.lab.file,
      );
    }
    this.lab.write(`deleting project ${JSON.stringify(project.name)}`, () => this.sql.delete.run(project.id));
    this.lab.reclaimSpace();
  }

  /**
   * Imports a project `.json` file (any document version; it is migrated and validated). The
   * project is named `name`, else the document's name; a taken name gets " (2)", " (3)"…
   */
  importFile(file: string, options: { name?: string; message?: string } = {}): OpenedProject {
    let text: string;
    const tooLarge = fs.existsSync(file) && fs.statSync(file).isFile() ? documentSizeProblem(fs.statSync(file).size, file) : null;
    if (tooLarge) throw new LabError(tooLarge, this.lab.file);
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (cause) {
      throw new LabError(`cannot read ${file}: ${(cause as Error).message}`, this.lab.file, { cause });
    }
    let document: ProjectDocument;
    try {
      document = parseDocumentText(text, file);
    } catch (cause) {
      throw new LabError(`${file}: ${oneLine((cause as Error).message)}`, this.lab.file, { cause });
    }
    return this.create(this.unusedName(options.name ?? document.name), document, options.message ?? `imported from ${path.basename(file)}`);
  }

  /**
   * Writes a project version's document (default: the latest) to a `.json` file. The file
   * is written next to the target and renamed over it, so a failure never leaves half a file.
   */
  exportFile(ref: ProjectRef, file: string, options: { version?: number } = {}): void {
    const { document } = this.open(ref, options.version);
    const temp = `${file}.${process.pid}.partial`;
    try {
      fs.writeFileSync(temp, `${JSON.stringify(document, null, 2)}\n`);
      fs.renameSync(temp, file);
    } catch (cause) {
      fs.rmSync(temp, { force: true });
      throw new LabError(`cannot write ${file}: ${(cause as Error).message}`, this.lab.file, { cause });
    }
  }

  private saveVersion(ref: ProjectRef, document: ProjectDocument, message: string | null, onlyIfChanged: boolean) {
    const project = this.get(ref);
    return this.savePrepared(project, prepareDocument(this.validate(document, project.name)), message, onlyIfChanged);
  }

  private savePrepared(project: ProjectInfo, prepared: PreparedDocument, message: string | null, onlyIfChanged: boolean) {
    return this.lab.write(`saving project ${JSON.stringify(project.name)}`, () => {
      const latest = this.sql.latestInfo.get(project.id) as VersionInfoRow | undefined;
      if (onlyIfChanged && latest && latest.document_hash === prepared.hash) return { version: toVersion(latest), saved: false };
      const now = timestamp();
      const id = this.insertVersion(project.id, (latest?.number ?? 0) + 1, now, message, prepared);
      this.sql.touch.run(now, project.id);
      return { version: toVersion(this.sql.versionInfoById.get(id) as VersionInfoRow), saved: true };
    });
  }

  private insertVersion(projectId: number, number: number, at: string, message: string | null, { text, hash, checksum }: PreparedDocument): number {
    return Number(this.sql.insertVersion.run(projectId, number, at, cleanMessage(message), text, hash, checksum).lastInsertRowid);
  }

  /** Validates (and migrates) a document before it is stored, so the lab only holds valid ones. */
  private validate(document: ProjectDocument, projectName: string): ProjectDocument {
    try {
      return parseDocument(document);
    } catch (cause) {
      throw new LabError(
        `${this.lab.file}: project ${JSON.stringify(projectName)}: the document is not valid: ${oneLine((cause as Error).message)}`,
        this.lab.file,
        { cause },
      );
    }
  }

  /** Throws a DamagedDataError when a stored document no longer matches its checksum. */
  private checkStored(row: VersionRow, label: string): void {
    if (row.document_checksum === documentChecksum(row.document)) return;
    throw new DamagedDataError(`${this.lab.file}: ${label} is damaged (the stored document does not match its checksum)`, this.lab.file);
  }

  /**
   * Parses a stored document after checking its checksum; documents of an older format are
   * migrated on the way out.
   */
  private parseStored(row: VersionRow, label: string): ProjectDocument {
    this.checkStored(row, label);
    try {
      return parseDocument(JSON.parse(row.document));
    } catch (cause) {
      throw new LabError(
        `${this.lab.file}: ${label} holds a document this Spikeflow cannot read: ${oneLine((cause as Error).message)}`,
        this.lab.file,
        { cause },
      );
    }
  }

  private nameTaken(name: string): LabError {
    return new LabError(`${this.lab.file} already has a project named ${JSON.stringify(name)}`, this.lab.file);
  }
}

/** Joins a multi-line message (document diagnostics) into one line for the CLI. */
function oneLine(text: string): string {
  return text.split('\n').join('; ');
}
