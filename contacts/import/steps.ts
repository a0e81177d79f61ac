// Running a long computation written as a generator (one `yield` per row): all at once, or letting the event loop
// turn every so many rows, so that I/O waiting on this thread (the statements of a batch being written) goes on.
export type Steps<T> = Generator<void, T, void>;

export function runSteps<T>(steps: Steps<T>): T {
  let step = steps.next();
  while (!step.done) step = steps.next();
  return step.value;
}

export async function runStepsYielding<T>(steps: Steps<T>, every: number): Promise<T> {
  let step = steps.next();
  for (let i = 1; !step.done; i++) {
    if (i % every === 0) await new Promise((resolve) => setImmediate(resolve));
    step = steps.next();
  }
  return step.value;
}
