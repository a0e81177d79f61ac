// `baton broadcast`: send one message to the contacts of chosen tags, as the API does. The broadcast is written to
// the database; the running Baton server(s) send it. On a terminal a progress bar follows it until it is done
// (Ctrl-C stops watching, not sending).
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import type { Database } from '../../prisma/index.ts';
import { createBroadcast, getBroadcast, previewAudience, type BroadcastView } from '../../workflows/index.ts';
import { loadConfig } from '../config.ts';
import { resolveBusiness, withDatabase } from './database.ts';

interface BroadcastOptions {
  tag: string[];
  allTags?: boolean;
  message: string;
  at?: string;
  dryRun?: boolean;
  json?: boolean;
  business?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];
const FINISHED = ['completed', 'cancelled'];

async function follow(db: Database, businessId: string, id: string): Promise<BroadcastView> {
  let view = await getBroadcast(db, businessId, id);
  const bar = new SingleBar({
    format: 'broadcast [{bar}] {value}/{total} done · {sent} sent, {failed} failed, {skipped} skipped · {status}',
    stream: process.stderr,
  });
  bar.start(Math.max(view.counts.total, 1), 0, { ...view.counts, status: view.status });
  while (!FINISHED.includes(view.status)) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    view = await getBroadcast(db, businessId, id);
    const c = view.counts;
    const waiting = view.status === 'scheduled' ? `scheduled for ${view.scheduledAt}` : view.status;
    bar.setTotal(Math.max(c.total, 1));
    bar.update(c.total - c.queued - c.sending, { ...c, status: waiting });
  }
  bar.stop();
  return view;
}

export function broadcastCommand(): Command {
  return new Command('broadcast')
    .description('send one message to the contacts of chosen tags, on the channel each can be reached on')
    .requiredOption('--tag <tag>', 'a tag (name or id); repeatable', collect, [])
    .option('--all-tags', 'only contacts having every tag (default: any of them)')
    .requiredOption('--message <text>', 'the text; {{firstName}}, {{firstName|fallback}}, {{lastName}}, {{fullName}}…')
    .option('--at <ISO-time>', 'send at this time, e.g. 2026-12-24T09:00:00Z (default: now)')
    .option('--dry-run', 'show the audience and a preview, send nothing')
    .option('--json', 'print the result as JSON')
    .option('--business <slug>', 'the business (default: the only one)')
    .action(async (opts: BroadcastOptions) => {
      const whatsapp = loadConfig().BATON_WHATSAPP;
      await withDatabase(async (db) => {
        const business = await resolveBusiness(db, opts.business);
        const input = { tags: opts.tag, matchAll: Boolean(opts.allTags), message: opts.message, at: opts.at };
        if (opts.dryRun) {
          const a = await previewAudience(db, business.id, input, whatsapp);
          if (opts.json) return void console.log(JSON.stringify(a));
          const by = (o: Record<string, number>) =>
            Object.entries(o)
              .filter(([, n]) => n > 0)
              .map(([k, n]) => `${n} ${k.replaceAll('_', ' ')}`)
              .join(', ') || 'none';
          console.log(`${a.total} contacts: ${a.reachable.total} reachable (${by(a.reachable.byChannel)})`);
          console.log(`${a.unreachable.total} not reachable (${by(a.unreachable.byReason)})`);
          if (a.preview) console.log(`preview for ${a.preview.name}: ${a.preview.text}`);
          return;
        }
        const { id } = await createBroadcast(db, business.id, input, null);
        let view = await getBroadcast(db, business.id, id);
        if (process.stderr.isTTY && !opts.json) {
          console.error('The running Baton server sends it; Ctrl-C stops watching, not sending.');
          view = await follow(db, business.id, id);
        }
        console.log(opts.json ? JSON.stringify(view) : `broadcast ${view.id}: ${view.status}`);
      });
    });
}
