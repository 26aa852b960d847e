/**
 * Looks a user-supplied key up in a record as an own property only. `record[key]` with a key
 * from a document ("constructor", "toString", "__proto__") would find Object.prototype's
 * members and pass them off as a parameter, state or port that exists.
 */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
