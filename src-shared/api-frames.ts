/**
 * The client side of the API's WebSocket framing (see api.ts), shared by the browser
 * client and the Node client: a server frame is either an event for the listeners or the
 * answer to a pending call.
 */
import type { ApiDiagnostic } from './api.js';
import { ApiCallError } from './api-error.js';

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
