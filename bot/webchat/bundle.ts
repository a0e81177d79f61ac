// Microsoft's botframework-webchat browser bundle, served from node_modules (no CDN), gzipped once in memory.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const require = createRequire(import.meta.url);

/** dist/webchat.js of botframework-webchat (its `exports` map hides dist/, so resolve from the main entry). */
export function webchatBundlePath(): string {
  return path.join(path.dirname(require.resolve('botframework-webchat')), '..', 'dist', 'webchat.js');
}

export interface Bundle {
  raw: Buffer;
  gzipped: Buffer;
}

let cached: Promise<Bundle> | undefined;

export function loadBundle(): Promise<Bundle> {
  cached ??= (async () => {
    const raw = await readFile(webchatBundlePath());
    const gzipped = await promisify(gzip)(raw, { level: 6 });
    return { raw, gzipped };
  })();
  cached.catch(() => (cached = undefined));
  return cached;
}
