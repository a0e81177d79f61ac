// createAgent: the OpenAI agent when an API key is given, the offline agent otherwise.
import { OfflineAgent } from './offline-agent.ts';
import { OpenAiAgent, type AgentLogger } from './openai-agent.ts';
import type { AiAgent } from './types.ts';

export interface AgentOptions {
  /** OPENAI_API_KEY: when set, the OpenAI agent is used */
  openaiApiKey?: string | undefined;
  /** OPENAI_BASE_URL: any OpenAI-compatible server */
  openaiBaseUrl?: string | undefined;
  /** OPENAI_MODEL */
  openaiModel?: string | undefined;
  /** OPENAI_TIMEOUT_MS */
  openaiTimeoutMs?: number | undefined;
  /** OPENAI_MAX_RETRIES */
  openaiMaxRetries?: number | undefined;
  /** the FAQ markdown (read from BATON_FAQ_FILE with loadFaqFile) */
  faqMarkdown?: string | undefined;
  logger?: AgentLogger | undefined;
}

export function createAgent(options: AgentOptions = {}): AiAgent {
  if (options.openaiApiKey) {
    return new OpenAiAgent({
      apiKey: options.openaiApiKey,
      baseUrl: options.openaiBaseUrl,
      model: options.openaiModel,
      timeoutMs: options.openaiTimeoutMs,
      maxRetries: options.openaiMaxRetries,
      faqMarkdown: options.faqMarkdown,
      logger: options.logger,
    });
  }
  return new OfflineAgent({ faqMarkdown: options.faqMarkdown });
}
