// The uploaded copy of a CSV is deleted once a real import of it has completed (also when the import was resumed
// after a restart), and kept while it may still be run: after a dry run or a failure.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { forgetUpload } from '../../../bot/http/imports.ts';

describe('forgetUpload', () => {
  let dir = '';
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('deletes the upload after a completed real import only, and nothing else in the directory', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'baton-uploads-'));
    const file = (id: string) => path.join(dir, `${id}.csv`);
    for (const id of ['dry', 'failed', 'done', 'other']) await writeFile(file(id), 'First Name,Email\nA,a@x.com\n');
    await forgetUpload(dir, { id: 'dry', status: 'completed', dryRun: true });
    await forgetUpload(dir, { id: 'failed', status: 'failed', dryRun: false });
    await forgetUpload(dir, { id: 'done', status: 'completed', dryRun: false });
    expect(['dry', 'failed', 'done', 'other'].map((id) => existsSync(file(id)))).toEqual([true, true, false, true]);
    // Already gone: no error.
    await forgetUpload(dir, { id: 'done', status: 'completed', dryRun: false });
  });
});
