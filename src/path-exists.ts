// Whether a path names something (a file, a directory; a link is followed): for the places that
// only look, and would rather not catch an error for it.
import { access } from 'node:fs/promises';

export async function pathExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
