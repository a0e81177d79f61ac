// Test helper run as its own process: takes a data directory's lock, says so, and waits to be killed.
import { lockDataDir } from '../../prisma/lock/index.ts';

lockDataDir(process.argv[2]!, 'server');
console.log('locked');
setInterval(() => undefined, 1000);
