/** Reading a project file for the CLI, with messages that name the file. */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { parseDocumentText } from '../../src-shared/document/load.js';
import { documentSizeProblem, MAX_DOCUMENT_BYTES, type ProjectDocument } from '../../src-shared/document/schema.js';
import { CompileError } from '../compiler/diagnostics.js';

/** Refuses bytes that are not UTF-8, rather than reading them as U+FFFD and going on. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Where the first byte that is not UTF-8 is: "byte 0xff at offset 17". */
function firstBadByte(bytes: Buffer): string {
  // A lenient decode puts U+FFFD where the bytes are bad; everything before it is valid, so
  // the text before it has the byte length of the bytes before it. A U+FFFD written in the
  // file itself (EF BF BD) is skipped.
  const lenient = bytes.toString('utf8');
  for (let i = lenient.indexOf('\uFFFD'); i >= 0; i = lenient.indexOf('\uFFFD', i + 1)) {
    const at = Buffer.byteLength(lenient.slice(0, i), 'utf8');
    if (bytes[at] === 0xef && bytes[at + 1] === 0xbf && bytes[at + 2] === 0xbd) continue;
    return `byte 0x${bytes[at]!.toString(16).padStart(2, '0')} at offset ${at}`;
  }
  return 'it ends inside a character';
}

/**
 * The bytes of `path`, read up to one byte past the largest document: a device or a pipe
 * (`/dev/zero`) has no size to check first, and read whole it filled the memory.
 */
function readBounded(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const parts: Buffer[] = [];
    let total = 0;
    for (;;) {
      const part = Buffer.allocUnsafe(Math.min(1 << 20, MAX_DOCUMENT_BYTES + 1 - total));
      const n = readSync(fd, part, 0, part.length, null);
      if (n === 0) break;
      parts.push(part.subarray(0, n));
      total += n;
      if (total > MAX_DOCUMENT_BYTES) throw new Error(`${path} is more than ${MAX_DOCUMENT_BYTES / 2 ** 20} MB; a project document may be at most ${MAX_DOCUMENT_BYTES / 2 ** 20} MB`);
    }
    return Buffer.concat(parts, total);
  } finally {
    closeSync(fd);
  }
}

export function loadProjectFile(path: string): ProjectDocument {
  let bytes: Buffer;
  try {
    // Sized before it is read: a file of gigabytes is refused, not loaded.
    const stat = statSync(path);
    const tooLarge = stat.isFile() ? documentSizeProblem(stat.size, path) : null;
    if (tooLarge) throw new Error(tooLarge);
    bytes = readBounded(path);
  } catch (e) {
    if (!(e as NodeJS.ErrnoException).code) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new Error(`cannot read ${path}: ${why}`, { cause: e });
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (e) {
    throw new Error(`${path} is not UTF-8 text (${firstBadByte(bytes)}); save it as UTF-8`, { cause: e });
  }
  try {
    return parseDocumentText(text, path);
  } catch (e) {
    const message = (e as Error).message;
    throw new Error(message.startsWith(path) ? message : `${path}: ${message}`, { cause: e });
  }
}

/**
 * Runs `check` (compiling or checking the document read from `path`) and names the file in
 * what it refuses, as reading the file does: "net.json: block "cell": another block has the
 * same id". Other errors (an option, the lab) pass as they are.
 */
export function inFile<T>(path: string, check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    throw new Error(`${path}: ${e.message}`, { cause: e });
  }
}
