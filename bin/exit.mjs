// Exits once what the process printed has been written. When standard output is a pipe (`baton contacts list --json
// | jq`) writes are asynchronous, and exiting at once cut the output at ~64 KB.
export async function exitWhenWritten(code) {
  await Promise.all([process.stdout, process.stderr].map((s) => new Promise((resolve) => s.write('', resolve))));
  process.exit(code);
}
