// The inbox: the queues with live counts on the left, the open conversation in the middle, the contact beside it.
// The URL holds the queue and the conversation (/console/inbox/mine/<id>): a reload keeps both.
import { Badge, Paper, Tabs, Text, VisuallyHidden } from '@mantine/core';
import { useNavigate, useParams } from 'react-router';
import { ContactPanel } from '../contacts/index.ts';
import { useTexts } from '../shared/i18n.tsx';
import { useCounts } from '../shared/queries.ts';
import { queues, type Queue } from '../shared/schemas.ts';
import { ConversationView, useConversation } from './ConversationView.tsx';
import { QueueList } from './QueueList.tsx';

export function InboxPage() {
  const t = useTexts();
  const params = useParams();
  const navigate = useNavigate();
  const queue: Queue = (queues as readonly string[]).includes(params.queue ?? '') ? (params.queue as Queue) : 'waiting';
  const counts = useCounts();
  const conversationId = params.conversationId;
  const conversation = useConversation(conversationId);
  return (
    <div className="inbox">
      <Paper withBorder p="xs" component="section" aria-label={t.inbox.conversations}>
        <VisuallyHidden>
          <h1>{t.nav.inbox}</h1>
        </VisuallyHidden>
        <Tabs
          variant="pills"
          className="queue-tabs"
          value={queue}
          onChange={(q) => q && void navigate(`/inbox/${q}${conversationId ? `/${conversationId}` : ''}`)}
          keepMounted={false}
        >
          <Tabs.List>
            {queues.map((q) => (
              <Tabs.Tab
                key={q}
                value={q}
                rightSection={
                  <Badge
                    className="count-badge"
                    size="sm"
                    color={q === 'waiting' && counts.data?.waiting ? 'orange' : 'gray'}
                    variant={q === 'waiting' && counts.data?.waiting ? 'filled' : 'light'}
                  >
                    {counts.data?.[q] ?? '…'}
                  </Badge>
                }
              >
                {t.queue[q]}
              </Tabs.Tab>
            ))}
          </Tabs.List>
          {queues.map((q) => (
            <Tabs.Panel key={q} value={q} pt="xs">
              <QueueList queue={q} selected={conversationId} />
            </Tabs.Panel>
          ))}
        </Tabs>
      </Paper>
      {conversationId ? (
        <ConversationView id={conversationId} query={conversation} />
      ) : (
        <Paper withBorder p="lg">
          <Text c="dimmed">{t.inbox.pick}</Text>
        </Paper>
      )}
      {conversation.data && (
        <ContactPanel contact={conversation.data.contactCard} currentConversationId={conversation.data.id} />
      )}
    </div>
  );
}
