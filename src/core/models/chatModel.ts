import { ChatOpenAI } from '@langchain/openai';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { ModelEndpoint } from '../modelEndpoint';
import { BatonError } from '../errors';

export interface ModelOptions {
  timeoutMs?: number;
  /** LangChain's own retries: off by default, because the gateway's resilience layer retries (one layer, one backoff). */
  maxRetries?: number;
}

const localHosts = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** A LangChain chat model for any OpenAI-compatible endpoint (OpenAI, Ollama, LM Studio, vLLM...). */
export function createChatModel(endpoint: ModelEndpoint, model: string, options: ModelOptions = {}): BaseChatModel {
  let url: URL;
  try {
    url = new URL(endpoint.baseUrl);
  } catch {
    throw new BatonError(`The model endpoint "${endpoint.baseUrl}" is not a URL.`, 'Set baton.model.baseUrl or BATON_BASE_URL to e.g. https://api.openai.com/v1.', 'config');
  }
  if (!endpoint.apiKey && !localHosts.has(url.hostname)) {
    throw new BatonError(`No API key for ${url.host}.`, 'Set BATON_API_KEY (or OPENAI_API_KEY), or run "Baton: Set API Key" in VS Code.', 'config');
  }
  return new ChatOpenAI({
    model,
    // Local servers ignore the key, but the OpenAI client refuses to start without one.
    apiKey: endpoint.apiKey ?? 'not-needed-for-a-local-endpoint',
    configuration: { baseURL: endpoint.baseUrl },
    timeout: options.timeoutMs ?? 120_000,
    maxRetries: options.maxRetries ?? 0,
    temperature: 0,
  });
}
