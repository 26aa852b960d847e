/**
 * The client side of the API's WebSocket framing (see api.ts), shared by the browser
 * client and the Node client: a server frame is either an event for the listeners or the
 * answer to a pending call.
 */
import type { ApiDiagnostic } from './api.js';
import { ApiCallError } from './api-error.js';
import { documentSizeProblem, MAX_DOCUMENT_BYTES } from './document/schema.js';

/**
 * The largest request frame a host reads: the largest document and room for the call around
 * it. A host closes the connection on a larger frame as soon as its header arrives
 * (WebSocket close code 1009) instead of reading megabytes it would refuse; the clients
 * refuse such a call before sending it (requestFrame), so a user sees why.
 */
export const MAX_REQUEST_BYTES = MAX_DOCUMENT_BYTES + 64 * 1024;

/** The UTF-8 length of `text` in bytes, counted only where it could exceed `limit`. */
function utf8BytesOver(text: string, limit: number): number {
  if (text.length * 3 <= limit) return text.length;
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Two bytes from U+0080, three from U+0800; a surrogate pair (two units) is four.
    if (c >= 0x80) bytes += c >= 0x800 && (c < 0xd800 || c > 0xdfff) ? 2 : 1;
  }
  return bytes;
}

/**
 * A call's request frame as JSON text ({"id","method","params"}), trailing absent optional
 * parameters dropped (JSON has no `undefined`). A request larger than a host reads is refused
 * here with an ApiCallError that names the method and the size.
 */
export function requestFrame(id: number, method: string, params: readonly unknown[]): string {
  const args = [...params];
  while (args.length > 0 && args[args.length - 1] === undefined) args.pop();
  const text = JSON.stringify({ id, method, params: args });
  const bytes = utf8BytesOver(text, MAX_REQUEST_BYTES);
  if (bytes > MAX_REQUEST_BYTES) throw new ApiCallError(`${method}: ${documentSizeProblem(bytes, 'the request')}`, method);
  return text;
}

export interface PendingCall {
  method: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

interface ServerFrame {
  id?: number;
  result?: unknown;
  error?: { message: string; diagnostics?: ApiDiagnostic[] };
  event?: string;
  payload?: unknown;
}

/**
 * Handles one text frame from the server. Text that is not JSON, and answers to calls
 * nobody waits for, are ignored; a listener that throws is reported to `onListenerError`
 * and does not stop the others.
 */
export function handleServerFrame(
  text: string,
  listeners: ReadonlyMap<string, Iterable<(payload: unknown) => void>>,
  pending: Map<number, PendingCall>,
  onListenerError: (event: string, error: unknown) => void,
): void {
  let frame: ServerFrame;
  try {
    frame = JSON.parse(text) as ServerFrame;
  } catch {
    return;
  }
  if (typeof frame.event === 'string') {
    for (const cb of listeners.get(frame.event) ?? []) {
      try {
        cb(frame.payload);
      } catch (err) {
        onListenerError(frame.event, err);
      }
    }
    return;
  }
  const call = typeof frame.id === 'number' ? pending.get(frame.id) : undefined;
  if (!call) return;
  pending.delete(frame.id!);
  if (frame.error) call.reject(new ApiCallError(frame.error.message, call.method, frame.error.diagnostics));
  else call.resolve(frame.result ?? null);
}
