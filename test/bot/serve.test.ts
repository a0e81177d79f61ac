// The server's signal handling: a signal that arrives while Baton is still starting stops it once it has started.
import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import type { Config } from '../../bot/config.ts';
import { serveUntilSignal } from '../../bot/serve-until-signal.ts';

afterEach(() => {
  process.removeAllListeners('SIGTERM');
  process.removeAllListeners('SIGINT');
});

function fakeStart() {
  const events: string[] = [];
  let finishStart!: () => void;
  const starting = new Promise<void>((resolve) => (finishStart = resolve));
  const start = async () => {
    events.push('starting');
    await starting;
    events.push('started');
    return {
      logger: pino({ level: 'silent' }),
      stop: async () => {
        events.push('stopped');
      },
    };
  };
  return { events, start, finishStart };
}

it('a signal during the start is kept and acted on once started: stop, then exit 0', async () => {
  const f = fakeStart();
  const exits: number[] = [];
  const serving = serveUntilSignal({} as Config, { start: f.start, exit: (code) => exits.push(code) });
  process.emit('SIGTERM');
  expect(f.events).toEqual(['starting']);
  f.finishStart();
  await serving;
  await new Promise((resolve) => setImmediate(resolve));
  expect(f.events).toEqual(['starting', 'started', 'stopped']);
  expect(exits).toEqual([0]);
});

it('a signal after the start stops at once', async () => {
  const f = fakeStart();
  const exits: number[] = [];
  const serving = serveUntilSignal({} as Config, { start: f.start, exit: (code) => exits.push(code) });
  f.finishStart();
  await serving;
  expect(exits).toEqual([]);
  process.emit('SIGINT');
  await new Promise((resolve) => setImmediate(resolve));
  expect(f.events).toEqual(['starting', 'started', 'stopped']);
  expect(exits).toEqual([0]);
});
