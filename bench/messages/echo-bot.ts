// The messages benchmark's baseline: a bare botbuilder CloudAdapter echo bot, with no authentication (like Baton's
// local-only mode), on Node's own HTTP server. Run as a process of its own: node bin/run.mjs bench/messages/echo-bot.ts <port>
import http from 'node:http';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  type TurnContext,
} from 'botbuilder';

const port = Number(process.argv[2]);
const settings = {
  MicrosoftAppId: '',
  MicrosoftAppPassword: '',
  MicrosoftAppTenantId: '',
  MicrosoftAppType: 'MultiTenant',
};
const adapter = new CloudAdapter(
  new ConfigurationBotFrameworkAuthentication(settings, new ConfigurationServiceClientCredentialFactory(settings)),
);
const logic = async (context: TurnContext) => {
  if (context.activity.type === 'message') await context.sendActivity(`echo: ${context.activity.text ?? ''}`);
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
process.on('SIGTERM', () => server.close(() => process.exit(0)));
