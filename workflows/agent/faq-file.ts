// Reads the FAQ file named by BATON_FAQ_FILE (the only I/O of the agent besides the OpenAI client).
import { readFile } from 'node:fs/promises';

/** The FAQ markdown, or '' when no file is configured. A configured file that cannot be read is an error. */
export async function loadFaqFile(path: string | undefined): Promise<string> {
  if (!path) return '';
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    throw new Error(`BATON_FAQ_FILE: cannot read "${path}" (${code})`, { cause: error });
  }
}
