/** US dollars per million tokens. */
export interface Price {
  inputPerMillion: number;
  outputPerMillion: number;
}

export type PriceTable = Readonly<Record<string, Price>>;

interface PricedSpec {
  price_data?: { main?: { input?: number; output?: number } };
}

type Published = (model: string) => Price | undefined;

let published: Promise<Published> | undefined;

// gpt-tokenizer ships OpenAI's published prices with its model data. Loaded on first use and as
// ESM: the package's CommonJS build of this module fails to load (4.0.0).
function loadPublished(): Promise<Published> {
  published ??= import('gpt-tokenizer/models').then((models) => (model: string) => {
    const spec = (models as Record<string, unknown>)[model] as PricedSpec | undefined;
    const main = spec?.price_data?.main;
    if (main?.input === undefined || main.output === undefined) return undefined;
    return { inputPerMillion: main.input, outputPerMillion: main.output };
  });
  return published;
}

/**
 * Prices per model: `baton.model.pricing` first, then the published price list; a model neither
 * knows (a local one, a new one) costs 0 and says so with `known: false`.
 */
export class Pricing {
  private constructor(private readonly overrides: PriceTable, private readonly published: Published) {}

  static async load(overrides: PriceTable = {}): Promise<Pricing> {
    return new Pricing(overrides, await loadPublished());
  }

  priceOf(model: string): Price & { known: boolean } {
    const price = this.overrides[model] ?? this.published(model);
    return price ? { ...price, known: true } : { inputPerMillion: 0, outputPerMillion: 0, known: false };
  }

  usd(model: string, promptTokens: number, completionTokens: number): number {
    const p = this.priceOf(model);
    return (promptTokens * p.inputPerMillion + completionTokens * p.outputPerMillion) / 1_000_000;
  }
}
