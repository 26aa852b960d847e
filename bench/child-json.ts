/**
 * Runs a benchmark in a child process and takes the last JSON line it prints as its result,
 * so each measurement starts from a fresh process (no JIT or cache carried over).
 */
import { spawn, type SpawnOptions } from 'node:child_process';

export function runJsonChild<T>(command: string, args: string[], what: string, options: SpawnOptions = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').reverse().find((l) => l.startsWith('{'));
      if (code !== 0 || !line) {
        reject(new Error(`${what} failed (exit ${code}): ${err.trim().split('\n').slice(-5).join(' | ')}`));
        return;
      }
      resolve(JSON.parse(line) as T);
    });
  });
}
