// `npm test` runs this first (pretest): the webchat and WhatsApp tests drive Debian's Chromium. On a fresh machine
// where it is missing and we are root with apt-get (CI), install it; otherwise say what to do.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const path = process.env.BATON_CHROMIUM_PATH || '/usr/bin/chromium';
if (existsSync(path)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (isRoot && existsSync('/usr/bin/apt-get')) {
  console.log(`pretest: ${path} is missing, installing Debian's chromium (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
  process.exit(0);
}
console.warn(
  `pretest: no Chromium at ${path}. The browser tests will fail. Install it (Debian/Ubuntu: sudo apt-get install chromium) ` +
    'or set BATON_CHROMIUM_PATH.',
);
