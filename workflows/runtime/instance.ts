// Names a Baton process as an instance of the runtime, and tells whether the one that held a claim is gone.
import os from 'node:os';

/** host:pid */
export function localInstanceId(): string {
  return `${os.hostname()}:${process.pid}`;
}

/** A `host:pid` instance of this host whose process no longer runs (claims of other hosts wait for their lease). */
export function isGoneLocally(instanceId: string): boolean {
  const at = instanceId.lastIndexOf(':');
  if (at < 0 || instanceId.slice(0, at) !== os.hostname()) return false;
  const pid = Number(instanceId.slice(at + 1));
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
