/**
 * The costly part of a request frame, done off the web host's event loop (in
 * frame-worker.ts): parsing the frame's JSON (an imported project may be 16 MB), checking
 * its parameters, and the document work of `validate` and `valueHistograms` (all of it), `importProject` (the
 * document check) and `startRun` (the document check and the compilation, which draws the
 * connections). The same functions as on the main thread do it, so answers and error
 * messages are the ones a direct call gives.
 *
 * The outcome is either the final answer (a validation result, or a refusal), or the call
 * the main thread completes with what only it holds (the lab, the runs in progress).
 */
import type { ApiMethod, RunRequest, SpikeflowApi } from '../../src-shared/api.js';
import { dispatch, type ApiResponse } from '../api/dispatch.js';
import { documentValueHistograms, validateDocument } from '../api/documents.js';
import { toErrorPayload, type ApiErrorPayload } from '../api/errors.js';
import { importedDocument, importedForStoring, type ImportedDocument } from '../api/projects.js';
import { checkRunRequest, type CheckedRun } from '../api/runs.js';
import { prepareDocument } from '../store/projects.js';

/** A startRun's check done ahead: the document and plan, or the refusal to give once the project is found. */
export type RunCheck = CheckedRun | { error: ApiErrorPayload };

export type CheckedFrame =
  | { kind: 'answer'; response: ApiResponse }
  | { kind: 'call'; id: number; method: ApiMethod; args: unknown[]; run?: RunCheck; imported?: ImportedDocument };

/** Methods whose document work is done off the event loop even when the frame is small. */
export const CHECKED_METHODS: ReadonlySet<string> = new Set(['validate', 'valueHistograms', 'importProject', 'startRun']);

/** The answer to a frame that is not JSON (as the host always gave it). */
export const NOT_JSON: ApiResponse = { id: 0, error: { message: 'malformed request: not JSON' } };

/** An error whose wire form was made elsewhere (in the worker): sent as it is. */
export class ForwardedError extends Error {
  constructor(readonly payload: ApiErrorPayload) {
    super(payload.message);
  }
}

/** Parses a frame's bytes (UTF-8) and checks it; never throws. */
export async function checkFrameBytes(bytes: Uint8Array): Promise<CheckedFrame> {
  let frame: unknown;
  try {
    frame = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch {
    return { kind: 'answer', response: NOT_JSON };
  }
  return checkFrame(frame);
}

/**
 * Checks a parsed frame with dispatch.ts (the same frame and parameter checks as a direct
 * call) over a stand-in service: `validate` answers in full, `importProject` and `startRun`
 * check their document, and every method's call is handed back to the main thread (with
 * the checked document and plan, which it then does not make again).
 */
export async function checkFrame(frame: unknown): Promise<CheckedFrame> {
  let call: { method: ApiMethod; args: unknown[]; run?: RunCheck; imported?: ImportedDocument } | undefined;
  const handBack = (method: ApiMethod) => async (...args: unknown[]) => {
    call = { method, args };
  };
  const standIn = new Proxy({} as SpikeflowApi, {
    get(_target, method: string) {
      if (method === 'validate') return async (document: unknown) => validateDocument(document);
      // Draws up to 100,000 values per parameter: answered here in full, as validate.
      if (method === 'valueHistograms') return async (document: unknown, blockId: string) => documentValueHistograms(document, blockId);
      if (method === 'importProject') {
        return async (json: string, name?: string) => {
          // A refusal is the answer; the main thread stores the checked document (not the file's text).
          call = { method: 'importProject', args: name === undefined ? [] : [null, name], imported: importedForStoring(importedDocument(json)) };
        };
      }
      if (method === 'startRun') {
        return async (request: RunRequest) => {
          let run: RunCheck;
          try {
            const checked = checkRunRequest(request);
            run = { doc: { prepared: prepareDocument(checked.doc) }, plan: checked.plan };
          } catch (err) {
            run = { error: toErrorPayload(err) };
          }
          // The main thread needs the checked document (or the refusal), not the request's copy of it.
          call = { method: 'startRun', args: [{ ...request, document: null }], run };
        };
      }
      return handBack(method as ApiMethod);
    },
  });
  const response = await dispatch(standIn, frame, { jsonNulls: true });
  return call ? { kind: 'call', id: response.id, ...call } : { kind: 'answer', response };
}
