// A ceiling measured in a worker thread (bench/import/index.ts bundles this file, once with libphonenumber-js as the
// import runs it and once with 'libphonenumber-js' resolved to libphonenumber-js-stock, the same version as published:
// same rules, same answers — test/contacts/shared/libphonenumber-patch.test.ts — only slower). The published library is the
// yardstick the "ceiling ~35–45k rows/s" was measured with.
import { parentPort, workerData } from 'node:worker_threads';
import { measureCeiling } from './ceiling.ts';

void measureCeiling((workerData as { file: string }).file).then((c) => parentPort!.postMessage(c));
