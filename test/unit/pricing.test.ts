import assert from 'node:assert/strict';
import { Pricing } from '../../src/core/cost/pricing';
import { BatonError } from '../../src/core/errors';

// Published prices, pinned: a price-list update that gets them wrong fails here, not in a user's budget.
// US dollars per million tokens, from openai.com/api/pricing and ai.google.dev/gemini-api/docs/pricing.
const million = 1_000_000;
const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual}, expected ${expected}`);

describe('pricing', () => {
  it('prices gpt-4o-mini, Baton\'s default model, at $0.15 / $0.60 and its cached input at $0.075', async () => {
    const pricing = await Pricing.load();
    const price = pricing.priceOf('gpt-4o-mini');
    assert.deepEqual(price, { inputPerMillion: 0.15, outputPerMillion: 0.6, cachedInputPerMillion: 0.075, known: true, source: 'genai-prices', provider: 'openai', listedAs: 'gpt-4o-mini' });
    close(pricing.usd('gpt-4o-mini', { promptTokens: million, completionTokens: million }), 0.75, '1M in, 1M out');
    close(pricing.usd('gpt-4o-mini', { promptTokens: million, cachedPromptTokens: million, completionTokens: 0 }), 0.075, '1M in, all cached');
    // Cached tokens are part of the prompt's: half of 1M at $0.15, half at $0.075.
    close(pricing.usd('gpt-4o-mini', { promptTokens: million, cachedPromptTokens: million / 2, completionTokens: 0 }), 0.1125, '1M in, half cached');
  });

  it('prices gpt-4o at $2.50 / $10, and o3, gpt-4.1 and gpt-5 at their published prices', async () => {
    const pricing = await Pricing.load();
    const published: Record<string, [number, number]> = { 'gpt-4o': [2.5, 10], 'gpt-4.1': [2, 8], 'gpt-5': [1.25, 10], o3: [2, 8] };
    for (const [model, [input, output]] of Object.entries(published)) {
      const p = pricing.priceOf(model);
      assert.deepEqual([p.inputPerMillion, p.outputPerMillion, p.known], [input, output, true], model);
    }
    close(pricing.usd('gpt-4o', { promptTokens: 2000, completionTokens: 500 }), (2000 * 2.5 + 500 * 10) / million, 'a gpt-4o call');
  });

  it('finds a dated model id under its model', async () => {
    const pricing = await Pricing.load();
    const dated = pricing.priceOf('gpt-4o-mini-2024-07-18');
    assert.equal(dated.listedAs, 'gpt-4o-mini');
    assert.deepEqual([dated.inputPerMillion, dated.outputPerMillion], [0.15, 0.6]);
  });

  it('lets baton.model.pricing win over the list; cached tokens cost the input price unless it says otherwise', async () => {
    const pricing = await Pricing.load({ 'gpt-4o-mini': { inputPerMillion: 1, outputPerMillion: 4 }, 'my-model': { inputPerMillion: 2, outputPerMillion: 3, cachedInputPerMillion: 0.5 } });
    assert.deepEqual(pricing.priceOf('gpt-4o-mini'), { inputPerMillion: 1, outputPerMillion: 4, cachedInputPerMillion: 1, known: true, source: 'settings' });
    close(pricing.usd('gpt-4o-mini', { promptTokens: million, cachedPromptTokens: million / 2, completionTokens: million }), 5, 'gpt-4o-mini at the settings\' price');
    close(pricing.usd('my-model', { promptTokens: million, cachedPromptTokens: million / 2, completionTokens: 0 }), 1.25, 'half cached at $0.50');
    assert.equal(pricing.priceOf('gpt-4o').source, 'genai-prices', 'other models still come from the list');
  });

  it('costs $0 for a model nobody prices (a local one), and says it is unknown', async () => {
    const pricing = await Pricing.load();
    assert.deepEqual(pricing.priceOf('llama3.1'), { inputPerMillion: 0, outputPerMillion: 0, cachedInputPerMillion: 0, known: false, source: 'unknown' });
    assert.equal(pricing.usd('llama3.1', { promptTokens: million, completionTokens: million }), 0);
    assert.equal(pricing.blendedPerMillion('llama3.1'), 0);
  });

  it('takes the endpoint\'s URL as a hint, and still finds a model behind a proxy or a local gateway', async () => {
    const openRouter = await Pricing.load({}, { baseUrl: 'https://openrouter.ai/api/v1' });
    assert.deepEqual([openRouter.priceOf('openai/gpt-4o-mini').provider, openRouter.priceOf('openai/gpt-4o-mini').inputPerMillion], ['openrouter', 0.15]);
    const proxy = await Pricing.load({}, { baseUrl: 'http://127.0.0.1:4000/v1' });
    assert.deepEqual([proxy.priceOf('gpt-4o').provider, proxy.priceOf('gpt-4o').inputPerMillion], ['openai', 2.5]);
    assert.equal(proxy.priceOf('openai/gpt-4o').inputPerMillion, 2.5, 'a provider/model id, split at its slash');
    assert.equal(proxy.priceOf('llama3.1').known, false);
  });

  it('prices each call at its own long-context tier (gemini-2.5-pro: $1.25 / $10, above 200k prompt tokens $2.50 / $15)', async () => {
    const pricing = await Pricing.load();
    close(pricing.usd('gemini-2.5-pro', { promptTokens: 100_000, completionTokens: 1000 }), (100_000 * 1.25 + 1000 * 10) / million, 'a short prompt');
    close(pricing.usd('gemini-2.5-pro', { promptTokens: 300_000, completionTokens: 1000 }), (300_000 * 2.5 + 1000 * 15) / million, 'a long prompt');
    assert.equal(pricing.priceOf('gemini-2.5-pro').inputPerMillion, 1.25, 'priceOf shows the base tier');
  });

  it('blends a model\'s prices 3:1 (prompt to completion) unless told its mix', async () => {
    const pricing = await Pricing.load();
    close(pricing.blendedPerMillion('gpt-4o-mini'), 0.75 * 0.15 + 0.25 * 0.6, 'gpt-4o-mini 3:1');
    close(pricing.blendedPerMillion('gpt-4o', 0.9), 0.9 * 2.5 + 0.1 * 10, 'gpt-4o 9:1');
  });

  it('takes odd counts as the list would not: more cached than prompt tokens, fractions, negatives', async () => {
    const pricing = await Pricing.load();
    close(pricing.usd('gpt-4o-mini', { promptTokens: 1000, cachedPromptTokens: 5000, completionTokens: -3 }), 1000 * 0.075 / million, 'capped at the prompt');
    close(pricing.usd('gpt-4o-mini', { promptTokens: Number.NaN, completionTokens: 10.4 }), 10 * 0.6 / million, 'NaN prompt, rounded completion');
  });

  it('refuses a price in settings that is not a number of 0 or more, saying what to write', async () => {
    const bad = { 'gpt-4o': { inputPerMillion: -1, outputPerMillion: 10 }, other: { inputPerMillion: 1, outputPerMillion: 1, cachedInputPerMillion: Number.NaN } };
    for (const [model, price] of Object.entries(bad)) {
      await assert.rejects(Pricing.load({ [model]: price }), (e: unknown) => e instanceof BatonError && e.kind === 'config' && e.message.includes(`"${model}"`) && /inputPerMillion": 0\.15/.test(e.describe()));
    }
  });
});
