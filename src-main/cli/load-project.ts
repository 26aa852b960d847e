/** Reading a project file for the CLI, with messages that name the file. */
import { readFileSync } from 'node:fs';
import { parseDocumentText } from '../../src-shared/document/load.js';
import type { ProjectDocument } from '../../src-shared/document/schema.js';

export function loadProjectFile(path: string): ProjectDocument {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message;
    throw new Error(`cannot read ${path}: ${why}`, { cause: e });
  }
  try {
    return parseDocumentText(text, path);
  } catch (e) {
    const message = (e as Error).message;
    throw new Error(message.startsWith(path) ? message : `${path}: ${message}`, { cause: e });
  }
}
