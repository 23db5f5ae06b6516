/** dlflow's version, read from package.json next to src/ or dist/. */
import * as fs from 'node:fs';

let cached: string | undefined;

export function dlflowVersion(): string {
  if (cached === undefined) {
    try {
      const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
      cached = pkg.version ?? 'unknown';
    } catch {
      cached = 'unknown';
    }
  }
  return cached;
}
