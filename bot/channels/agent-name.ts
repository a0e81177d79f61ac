// Pure: an agent's name on what the customer sees. The gateway puts it on the activity (channelData.batonAgentName);
// Baton's own adapters show it — webchat as the activity's from.name and a bold prefix (web chat renders markdown
// and shows no sender names by itself), WhatsApp as a bold prefix.
import type { Activity } from 'botbuilder';

/** The agent's name the gateway put on an agent's message or typing, if any. */
export function agentNameOf(activity: Partial<Activity>): string | undefined {
  const data = activity.channelData as { batonAgentName?: unknown } | undefined;
  const name = typeof data?.batonAgentName === 'string' ? data.batonAgentName.trim() : '';
  return name || undefined;
}

/**
 * "Sam", "Hi" → "*Sam:* Hi" (WhatsApp's bold, `bold = '*'`) or "**Sam:** Hi" (markdown, `bold = '**'`). Formatting
 * characters are dropped from the name so it cannot break out of the bold. Without a name the text is unchanged.
 */
export function withAgentName(text: string, agentName: string | undefined, bold: '*' | '**' = '*'): string {
  const name = agentName?.replace(/[*_~`[\]\\]/g, '').trim();
  return name ? `${bold}${name}:${bold} ${text}` : text;
}
