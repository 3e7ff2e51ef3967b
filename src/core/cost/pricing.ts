import type { PriceCalculation, PriceOptions } from '@pydantic/genai-prices';
import { BatonError } from '../errors';

/** US dollars per million tokens, as `baton.model.pricing` gives them. */
export interface Price {
  inputPerMillion: number;
  outputPerMillion: number;
  /** Prompt tokens the provider read from its cache; the input price when unset. */
  cachedInputPerMillion?: number;
}

export type PriceTable = Readonly<Record<string, Price>>;

/** Where a model's price comes from: the user's settings, the bundled price list, or nowhere (it costs 0). */
export type PriceSource = 'settings' | 'genai-prices' | 'unknown';

export interface ModelPrice extends Required<Price> {
  known: boolean;
  source: PriceSource;
  /** The list's provider and model for this id, e.g. `openai` and `gpt-4o-mini` for gpt-4o-mini-2024-07-18. */
  provider?: string;
  listedAs?: string;
}

/** One model call's tokens. `cachedPromptTokens` are part of `promptTokens`, as OpenAI reports them. */
export interface TokenUsage {
  promptTokens: number;
  cachedPromptTokens?: number;
  completionTokens: number;
}

export interface PricingOptions {
  /** The model endpoint (baton.model.baseUrl): a hint for which provider's prices apply. */
  baseUrl?: string;
}

type PriceList = typeof import('@pydantic/genai-prices');

let priceList: Promise<PriceList> | undefined;

// Imported on first load so that CLI commands that open no engine never evaluate the list (~0.5 MB).
// It is the bundled data only: Baton never calls updatePrices, so pricing needs no network.
function loadPriceList(): Promise<PriceList> {
  priceList ??= import('@pydantic/genai-prices');
  return priceList;
}

/**
 * Prices per model: `baton.model.pricing` first, then the price list of @pydantic/genai-prices
 * (docs/decisions/0020); a model neither knows (a local one, a new one) costs 0 and says so with
 * `known: false`. A call is priced by its own token counts, so the list's long-context tiers apply
 * per call, and cached prompt tokens at the list's cache-read price.
 */
export class Pricing {
  /** How the list found each model id, so later calls skip the search. */
  private readonly found = new Map<string, PriceOptions | null>();

  private constructor(
    private readonly overrides: PriceTable,
    private readonly list: PriceList,
    private readonly options: PricingOptions,
  ) {}

  static async load(overrides: PriceTable = {}, options: PricingOptions = {}): Promise<Pricing> {
    checkOverrides(overrides);
    return new Pricing(overrides, await loadPriceList(), options);
  }

  priceOf(model: string): ModelPrice {
    const own = this.overrides[model];
    if (own) return { ...own, cachedInputPerMillion: own.cachedInputPerMillion ?? own.inputPerMillion, known: true, source: 'settings' };
    const listed = this.calculate(model, { promptTokens: 0, completionTokens: 0 });
    if (!listed) return { inputPerMillion: 0, outputPerMillion: 0, cachedInputPerMillion: 0, known: false, source: 'unknown' };
    // Tiered prices show their base tier here; usd() prices each call at its own tier.
    const perMillion = (key: string): number | undefined => {
      const p = listed.model_price[key];
      return typeof p === 'number' ? p : p?.base;
    };
    const input = perMillion('input_mtok') ?? 0;
    return {
      inputPerMillion: input,
      outputPerMillion: perMillion('output_mtok') ?? 0,
      cachedInputPerMillion: perMillion('cache_read_mtok') ?? input,
      known: true,
      source: 'genai-prices',
      provider: listed.provider.id,
      listedAs: listed.model.id,
    };
  }

  /** What one call cost in US dollars; 0 for a model without a known price. */
  usd(model: string, usage: TokenUsage): number {
    const u = clean(usage);
    const own = this.overrides[model];
    if (own) {
      const uncached = u.promptTokens - u.cachedPromptTokens;
      const cachedPrice = own.cachedInputPerMillion ?? own.inputPerMillion;
      return (uncached * own.inputPerMillion + u.cachedPromptTokens * cachedPrice + u.completionTokens * own.outputPerMillion) / 1_000_000;
    }
    return this.calculate(model, u)?.total_price ?? 0;
  }

  /**
   * Dollars per million tokens of a mix of prompt and completion tokens, uncached: 3:1 by default,
   * the usual mix of published comparisons; pass a workflow's own share of prompt tokens for its mix.
   */
  blendedPerMillion(model: string, promptShare = 0.75): number {
    const p = this.priceOf(model);
    return promptShare * p.inputPerMillion + (1 - promptShare) * p.outputPerMillion;
  }

  private calculate(model: string, u: TokenUsage): PriceCalculation | null {
    const usage = { input_tokens: u.promptTokens, cache_read_tokens: u.cachedPromptTokens ?? 0, output_tokens: u.completionTokens };
    const known = this.found.get(model);
    if (known !== undefined) return known && this.list.calcPrice(usage, model, known);
    for (const options of this.searchOrder(model)) {
      const result = this.list.calcPrice(usage, model, options);
      if (result) {
        this.found.set(model, { ...options, providerId: options.providerId ?? result.provider.id });
        return result;
      }
    }
    this.found.set(model, null);
    return null;
  }

  /**
   * The endpoint's URL first, so a provider that resells a model (Azure, OpenRouter, Groq) gets its
   * own price; then the model id alone, because a proxy or a local gateway (LiteLLM, a company
   * relay) has a URL no list knows yet forwards to a provider that bills by the list; last a
   * `provider/model` id (OpenRouter, LiteLLM) split at its slash. A local model whose name matches
   * a cloud one (deepseek-r1 on Ollama) is thus priced as the cloud one: set its price to 0 in
   * `baton.model.pricing`.
   */
  private searchOrder(model: string): PriceOptions[] {
    const order: PriceOptions[] = [];
    if (this.options.baseUrl) order.push({ providerApiUrl: this.options.baseUrl });
    order.push({});
    if (model.includes('/')) order.push({ providerId: 'litellm' });
    return order;
  }
}

/** Counts as the list accepts them: whole, nonnegative, and no more cached tokens than prompt tokens. */
function clean(u: TokenUsage): Required<TokenUsage> {
  const count = (n: number | undefined) => (Number.isFinite(n) && n! > 0 ? Math.round(n!) : 0);
  const promptTokens = count(u.promptTokens);
  return { promptTokens, cachedPromptTokens: Math.min(count(u.cachedPromptTokens), promptTokens), completionTokens: count(u.completionTokens) };
}

function checkOverrides(overrides: PriceTable): void {
  const price = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  for (const [model, p] of Object.entries(overrides)) {
    const bad = [
      ...(price(p?.inputPerMillion) ? [] : ['inputPerMillion']),
      ...(price(p?.outputPerMillion) ? [] : ['outputPerMillion']),
      ...(p?.cachedInputPerMillion === undefined || price(p.cachedInputPerMillion) ? [] : ['cachedInputPerMillion']),
    ];
    if (bad.length) {
      throw new BatonError(
        `baton.model.pricing for "${model}" has no valid ${bad.join(', ')}.`,
        `Give US dollars per million tokens as numbers of 0 or more, e.g. {"${model}": {"inputPerMillion": 0.15, "outputPerMillion": 0.6}}.`,
        'config',
      );
    }
  }
}
