// The messages benchmark's baselines: a bare botbuilder CloudAdapter echo bot, with no authentication (like Baton's
// local-only mode), on Node's own HTTP server. Run as a process of its own:
//   node bin/run.mjs bench/messages/echo-bot.ts <port> [postgres-url]
// With a PostgreSQL URL it is the durable echo bot: before replying it stores the customer's message and its reply in
// a scratch table of that database, one INSERT each (each its own transaction, as Baton commits the message and the
// AI's reply in two), on the `pg` driver. What any bot that durably keeps its messages costs on this machine.
import http from 'node:http';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  type TurnContext,
} from 'botbuilder';
import pg from 'pg';

const port = Number(process.argv[2]);
const databaseUrl = process.argv[3];
const settings = {
  MicrosoftAppId: '',
  MicrosoftAppPassword: '',
  MicrosoftAppTenantId: '',
  MicrosoftAppType: 'MultiTenant',
};
const adapter = new CloudAdapter(
  new ConfigurationBotFrameworkAuthentication(settings, new ConfigurationServiceClientCredentialFactory(settings)),
);

// Baton's pool size (prisma/database.ts)
const pool = databaseUrl ? new pg.Pool({ connectionString: databaseUrl, max: 10 }) : undefined;
if (pool) {
  await pool.query('DROP TABLE IF EXISTS bench_echo_message');
  await pool.query(
    `CREATE TABLE bench_echo_message (
       id bigserial PRIMARY KEY,
       conversation_id text NOT NULL,
       direction text NOT NULL,
       text text NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now())`,
  );
}
const store = (conversationId: string, direction: 'in' | 'out', text: string) =>
  pool!.query('INSERT INTO bench_echo_message (conversation_id, direction, text) VALUES ($1, $2, $3)', [
    conversationId,
    direction,
    text,
  ]);

const logic = async (context: TurnContext) => {
  if (context.activity.type !== 'message') return;
  const reply = `echo: ${context.activity.text ?? ''}`;
  if (pool) {
    await store(context.activity.conversation.id, 'in', context.activity.text ?? '');
    await store(context.activity.conversation.id, 'out', reply);
  }
  await context.sendActivity(reply);
};

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/api/messages') {
    res.writeHead(req.url === '/' ? 200 : 404).end();
    return;
  }
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (body += chunk));
  req.on('end', () => {
    const out = { status: 200, body: undefined as unknown };
    const request = { body: JSON.parse(body) as Record<string, unknown>, headers: req.headers, method: req.method };
    const response = {
      socket: req.socket,
      status(code: number) {
        out.status = code;
        return response;
      },
      header() {
        return response;
      },
      send(b: unknown) {
        out.body = b;
        return response;
      },
      end() {
        return response;
      },
    };
    adapter.process(request, response, logic).then(
      () => {
        res.writeHead(out.status, { 'content-type': 'application/json' });
        res.end(out.body === undefined ? undefined : JSON.stringify(out.body));
      },
      (e: unknown) => {
        console.error(e);
        res.writeHead(500).end();
      },
    );
  });
});
server.listen(port, '127.0.0.1', () => console.log(`echo bot listening on ${port}`));
process.on('SIGTERM', () => server.close(() => void (pool?.end() ?? Promise.resolve()).then(() => process.exit(0))));
