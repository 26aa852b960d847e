import type { ApiDiagnostic } from './api.js';

/** An error returned by the service over either transport; `diagnostics` name the block and field at fault. */
export class ApiCallError extends Error {
  constructor(
    message: string,
    readonly method: string,
    readonly diagnostics?: ApiDiagnostic[],
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}
