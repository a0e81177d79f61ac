// A delivery on a channel another instance runs (WhatsApp on an instance without its lease) is handed back at once,
// uncounted, and carried out by the instance that runs the channel — never by one that does not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../prisma/index.ts';
import { ChannelElsewhereError, createConversationRuntime, type ChannelGateway } from '../../../workflows/index.ts';
import { createTestDatabase } from '../../support/db.ts';
import { inbound, makeBusiness, RecordingGateway, silentLogger, testAgent } from '../support/fixtures.ts';

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

describe('deliveries on a channel another instance runs', () => {
  it('are handed back uncounted and carried out only by the instance running the channel', async () => {
    const { business } = await makeBusiness(db);
    const refused: string[] = [];
    const withoutWhatsApp: ChannelGateway = {
      notServedHere: () => ['whatsapp'],
      async send(message) {
        refused.push(message.text);
        throw new ChannelElsewhereError('whatsapp');
      },
    };
    const holder = new RecordingGateway();
    const a = createConversationRuntime({ db, agent: testAgent, logger: silentLogger, instanceId: 'no-wa' });
    const b = createConversationRuntime({ db, agent: testAgent, logger: silentLogger, instanceId: 'wa-holder' });
    a.registerGateway('*', withoutWhatsApp);
    b.registerGateway('*', holder);
    try {
      await a.handleInbound(inbound(business.id, '447911000001@c.us', 'Hello', { channel: 'whatsapp' }));
      expect(refused).toEqual(['You said: Hello']); // tried inline on A, refused
      expect(await a.carryOutPendingEffects()).toBe(0); // A's worker leaves it alone
      expect(await b.carryOutPendingEffects()).toBe(1);
      expect(holder.texts()).toEqual(['You said: Hello']);
      const [delivery] = await db.prisma.outboxEffect.findMany({ where: { kind: 'deliver' } });
      expect(delivery).toMatchObject({ outcome: 'done', attempts: 1, claimedBy: 'wa-holder' });
      // other channels are not affected: A still carries out its webchat deliveries
      await a.handleInbound(inbound(business.id, 'web-1', 'Hi'));
      expect(refused).toHaveLength(2);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
