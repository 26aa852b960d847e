/**
 * The one error shape that crosses a transport: `{message, diagnostics?}` (see
 * src-shared/api.ts). Service methods throw `ApiError` when they have diagnostics to
 * show on nodes; any other Error is sent as its message alone.
 */
import type { ApiDiagnostic } from '../../src-shared/api.js';
import { capDiagnostics } from '../../src-shared/problem-list.js';

/** An error with compile or document diagnostics that name the block and field. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly diagnostics?: ApiDiagnostic[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ApiError';
  }
}

/** The error part of a response frame. */
export interface ApiErrorPayload {
  message: string;
  diagnostics?: ApiDiagnostic[];
}

/** Turns anything thrown into the wire form; never includes a stack. */
export function toErrorPayload(err: unknown): ApiErrorPayload {
  if (err instanceof Error) {
    const diagnostics = (err as { diagnostics?: unknown }).diagnostics;
    const payload: ApiErrorPayload = { message: err.message || err.name };
    if (Array.isArray(diagnostics)) {
      // A document with 300,000 problems sends the first MAX_DIAGNOSTICS and a count.
      payload.diagnostics = capDiagnostics(diagnostics as ApiDiagnostic[]).map((d: ApiDiagnostic) => ({
        ...(d.block !== undefined ? { block: d.block } : {}),
        ...(d.field !== undefined ? { field: d.field } : {}),
        message: String(d.message),
      }));
    }
    return payload;
  }
  return { message: typeof err === 'string' ? err : 'unknown error' };
}
