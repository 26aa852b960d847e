/**
 * One request in, one response out, for both transports (Electron IPC and the web host's
 * WebSocket): checks the frame, looks the method up in API_PARAMS (own keys only, so
 * "__proto__" or "constructor" are just unknown methods), validates the parameters with
 * the method's zod schema and calls the service. Nothing reaches the service unvalidated,
 * and every refusal names the method and the parameter at fault.
 */
import { z } from 'zod';
import { API_PARAMS, type ApiMethod, type SpikeflowApi } from '../../src-shared/api.js';
import { ApiError, toErrorPayload, type ApiErrorPayload } from './errors.js';

/** A request frame as sent by a client. */
export interface ApiRequest {
  id: number;
  method: ApiMethod;
  params: unknown[];
}

/** A response frame. */
export type ApiResponse = { id: number; result: unknown } | { id: number; error: ApiErrorPayload };

/** Parameter names per method, used in messages ("openProject: parameter versionId …"). */
export const PARAM_NAMES: Readonly<Record<ApiMethod, readonly string[]>> = {
  validate: ['document'],
  valueHistograms: ['document', 'blockId'],
  listExamples: [],
  loadExample: ['file'],
  engineStatus: [],
  listLibraryTypes: [],
  saveLibraryType: ['name', 'type'],
  deleteLibraryType: ['name'],
  listProjects: [],
  createProject: ['name', 'document'],
  saveProjectAs: ['name', 'document', 'runIds'],
  scratchProject: [],
  openProject: ['projectId', 'versionId'],
  saveProject: ['projectId', 'document', 'message'],
  renameProject: ['projectId', 'name'],
  duplicateProject: ['projectId', 'name'],
  deleteProject: ['projectId'],
  listVersions: ['projectId'],
  importProject: ['json', 'name'],
  exportProject: ['projectId', 'versionId'],
  saveDraft: ['projectId', 'document'],
  loadDraft: ['projectId'],
  recentProjects: [],
  startRun: ['request'],
  startSweep: ['request'],
  stopRun: ['runId'],
  listRuns: ['projectId'],
  getRun: ['runId'],
  readTrace: ['runId', 'probe', 'window'],
  readSpikes: ['runId', 'probe', 'window'],
  readWeightHistogram: ['runId', 'probe', 'query'],
  deleteRun: ['runId'],
  pinRun: ['runId', 'pinned'],
  exportRunCsv: ['runId', 'probe', 'long', 'skipDamaged', 'atMs'],
  exportModel: ['document', 'options'],
  importRunCsv: ['projectId', 'document', 'files', 'simulator'],
};

/** Whether `method` is one of the API's methods (own property, not inherited). */
export function isApiMethod(method: unknown): method is ApiMethod {
  return typeof method === 'string' && Object.hasOwn(API_PARAMS, method);
}

export interface ValidateOptions {
  /**
   * JSON transports turn `undefined` in an argument list into `null`; with this set, a
   * `null` in the place of an optional parameter that does not accept null means "absent",
   * and trailing absent parameters are dropped.
   */
  jsonNulls?: boolean;
}

function describeIssue(method: string, issue: z.core.$ZodIssue, arity: number): string {
  const [first, ...rest] = issue.path;
  const names = PARAM_NAMES[method as ApiMethod] ?? [];
  if (first === undefined) {
    // Wrong number of parameters.
    const expected = names.length === 0 ? 'no parameters' : `parameters (${names.join(', ')})`;
    return `${method}: expected ${expected}, got ${arity}: ${issue.message}`;
  }
  const name = typeof first === 'number' ? (names[first] ?? `#${first + 1}`) : String(first);
  const field = rest.length > 0 ? `${name}.${rest.map(String).join('.')}` : name;
  return `${method}: parameter "${field}": ${issue.message}`;
}

/** Replaces JSON `null` by `undefined` where the schema takes an optional, non-null value. */
function normaliseNulls(method: ApiMethod, params: unknown[]): unknown[] {
  const schema = API_PARAMS[method] as unknown as z.ZodTuple;
  const items = schema.def.items as readonly z.ZodType[];
  const out = params.map((value, i) => {
    const item = items[i];
    if (value !== null || !item) return value;
    return !item.safeParse(null).success && item.safeParse(undefined).success ? undefined : value;
  });
  while (out.length > 0 && out[out.length - 1] === undefined) out.pop();
  return out;
}

/**
 * Validates a method's parameters; returns the parsed arguments or throws an ApiError
 * naming the method and the parameter (and field) at fault.
 */
export function validateParams(method: unknown, params: unknown, options: ValidateOptions = {}): { method: ApiMethod; args: unknown[] } {
  if (!isApiMethod(method)) {
    const shown = typeof method === 'string' ? JSON.stringify(method.slice(0, 100)) : typeof method;
    throw new ApiError(`unknown method ${shown}`);
  }
  if (!Array.isArray(params)) throw new ApiError(`${method}: "params" must be an array of parameters`);
  const given = options.jsonNulls ? normaliseNulls(method, params) : params;
  const result = API_PARAMS[method].safeParse(given);
  if (!result.success) {
    const messages = result.error.issues.slice(0, 5).map((i) => describeIssue(method, i, given.length));
    throw new ApiError(messages.join('; '));
  }
  return { method, args: result.data as unknown[] };
}

/** Checks the frame's shape; returns the request id (0 if it has none usable). */
function frameId(frame: unknown): number {
  const id = (frame as { id?: unknown } | null)?.id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : 0;
}

/**
 * Handles one request frame: validation, the call, and the response frame. Never throws;
 * service errors become `{id, error: {message, diagnostics?}}`.
 */
export async function dispatch(service: SpikeflowApi, frame: unknown, options: ValidateOptions = {}): Promise<ApiResponse> {
  const id = frameId(frame);
  try {
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
      throw new ApiError('malformed request: expected an object {id, method, params}');
    }
    const raw = frame as { id?: unknown; method?: unknown; params?: unknown };
    if (typeof raw.id !== 'number' || !Number.isSafeInteger(raw.id) || raw.id < 0) {
      throw new ApiError('malformed request: "id" must be a non-negative integer');
    }
    const { method, args } = validateParams(raw.method, raw.params ?? [], options);
    const fn = service[method] as (...a: unknown[]) => Promise<unknown>;
    const result = await fn.apply(service, args);
    return { id, result: result === undefined ? null : result };
  } catch (err) {
    return { id, error: toErrorPayload(err) };
  }
}
