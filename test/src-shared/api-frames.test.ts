import { describe, expect, it } from 'vitest';
import { ApiCallError } from '../../src-shared/api-error.js';
import { MAX_REQUEST_BYTES, requestFrame } from '../../src-shared/api-frames.js';

describe('requestFrame', () => {
  it('writes a call as JSON, without trailing absent parameters', () => {
    expect(requestFrame(3, 'importProject', ['{}', undefined])).toBe('{"id":3,"method":"importProject","params":["{}"]}');
    expect(requestFrame(4, 'f', [undefined, 1])).toBe('{"id":4,"method":"f","params":[null,1]}');
  });

  it('counts the request in UTF-8 bytes: a request of fewer characters than the limit can still be too large', () => {
    const around = '{"id":1,"method":"validate","params":[""]}'.length;
    // Three bytes each (U+20AC), a third of the limit in characters, just over it in bytes.
    const euros = '€'.repeat(Math.floor((MAX_REQUEST_BYTES - around) / 3) + 1);
    expect(Buffer.byteLength(JSON.stringify({ id: 1, method: 'validate', params: [euros] }))).toBeGreaterThan(MAX_REQUEST_BYTES);
    let err: unknown;
    try { requestFrame(1, 'validate', [euros]); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ApiCallError);
    expect((err as Error).message).toBe('validate: the request is 16.1 MB; a project document may be at most 16 MB');
    // One character fewer fits; a surrogate pair (an emoji) counts four bytes, not six.
    expect(() => requestFrame(1, 'validate', [euros.slice(1)])).not.toThrow();
    const emoji = '😀'.repeat(Math.floor((MAX_REQUEST_BYTES - around) / 4));
    expect(Buffer.byteLength(JSON.stringify({ id: 1, method: 'validate', params: [emoji] }))).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
    expect(() => requestFrame(1, 'validate', [emoji])).not.toThrow();
  });
});
