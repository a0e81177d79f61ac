// Pure: why WhatsApp cannot connect, in words an admin can act on — never a raw browser or library error (those
// stay in the logs). Reasons as whatsapp-web.js and puppeteer give them: disconnect reasons (LOGOUT, UNPAIRED,
// CONFLICT, NAVIGATION…), auth_failure, and start failures (Chromium missing, no network, timeouts).

const RULES: [RegExp, string][] = [
  [
    /^(LOGOUT|UNPAIRED|UNPAIRED_IDLE)\b/,
    'The phone logged Baton out of WhatsApp. Scan the new pairing QR code with the phone to connect again.',
  ],
  [
    /^CONFLICT\b/,
    'WhatsApp Web was opened elsewhere with this number. Scan the new pairing QR code to bring it back to Baton.',
  ],
  [/^auth_failure\b/, 'WhatsApp did not accept the saved login. Scan the new pairing QR code with the phone.'],
  [
    /ENOENT|Failed to launch|Could not find (Chrome|browser|expected browser)|spawn .*chrom|executablePath/i,
    'Chromium could not be started. Install Debian’s chromium package, or set BATON_CHROMIUM_PATH to where it is.',
  ],
  [
    /ERR_NAME_NOT_RESOLVED|ERR_INTERNET_DISCONNECTED|ERR_CONNECTION|ERR_NETWORK|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET/i,
    'WhatsApp cannot be reached: this server seems to have no internet connection. Baton keeps retrying.',
  ],
  [/timeout|timed out/i, 'WhatsApp took too long to answer. Baton keeps retrying.'],
  [/^NAVIGATION\b/, 'WhatsApp Web reloaded itself. Baton is reconnecting.'],
  [
    /browser closed|Target closed|Session closed|Protocol error/i,
    'The browser running WhatsApp stopped. Baton is restarting it.',
  ],
];

/** The plain-words reason for a raw one (null stays null). */
export function plainReason(raw: string | null): string | null {
  if (raw === null) return null;
  for (const [pattern, words] of RULES) if (pattern.test(raw)) return words;
  return 'WhatsApp disconnected. Baton is reconnecting.';
}
