// `baton` exits only once its output is written: through a pipe whose reader is slow, a megabyte printed just before
// exiting arrives whole (exiting at once loses what is still queued — the control case shows the test can tell).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/spawn.ts';

async function printThenExit(exit: 'exitWhenWritten' | 'process.exit'): Promise<number> {
  const size = 1_000_000;
  const script =
    exit === 'exitWhenWritten'
      ? `import(${JSON.stringify(path.join(ROOT, 'bin/exit.mjs'))}).then((m) => { process.stdout.write('x'.repeat(${size})); return m.exitWhenWritten(0); })`
      : `process.stdout.write('x'.repeat(${size})); process.exit(0);`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let received = 0;
  // A slow reader: nothing is read for half a second, long enough for the child to have tried to exit.
  child.stdout.pause();
  setTimeout(() => child.stdout.resume(), 500);
  child.stdout.on('data', (d: Buffer) => (received += d.length));
  await new Promise((resolve) => child.on('close', resolve));
  return received;
}

describe('bin/exit.mjs', () => {
  it('exits after standard output is written, even through a slow pipe', async () => {
    expect(await printThenExit('exitWhenWritten')).toBe(1_000_000);
    // Control: exiting at once loses the part still queued.
    expect(await printThenExit('process.exit')).toBeLessThan(1_000_000);
  });
});
