// Which OpenAI-compatible endpoint and model to use: the environment wins over settings, settings
// over the defaults, the same for the CLI and the extension (DESIGN.md §2).

export const defaultBaseUrl = 'https://api.openai.com/v1';
export const defaultModel = 'gpt-4o-mini';

export interface ModelEndpoint {
  baseUrl: string;
  model: string;
  apiKey: string | undefined;
}

export function resolveModelEndpoint(env: NodeJS.ProcessEnv, settings: Partial<ModelEndpoint> = {}): ModelEndpoint {
  return {
    baseUrl: env.BATON_BASE_URL || settings.baseUrl || defaultBaseUrl,
    model: env.BATON_MODEL || settings.model || defaultModel,
    apiKey: settings.apiKey || env.BATON_API_KEY || env.OPENAI_API_KEY || undefined,
  };
}
