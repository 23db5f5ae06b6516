/** Copies a model file into the run directory so the run can rebuild its model on its own. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Copies `file` to `<dir>/model<ext>` and returns the name relative to the run. */
export function copyModelFile(file: string, dir: string): string {
  const name = `model${path.extname(file)}`;
  fs.copyFileSync(file, path.join(dir, name));
  return name;
}
