import type { EngineSettings } from '../openEngine';
import { demoScript } from './demoScript';
import { ScriptedChatModel, scriptedModelName } from './scriptedChatModel';

/** The demo's engine: the scripted model, no key, no rate limit to speak of, the risks that stop for a person. */
export function demoEngineSettings(approvalMode: EngineSettings['approvalMode']): EngineSettings {
  return {
    endpoint: { baseUrl: 'scripted://baton-demo', model: scriptedModelName, apiKey: undefined },
    createModel: () => new ScriptedChatModel(demoScript),
    // Its price is known: nothing. (Unknown, Baton would warn and hold a token budget.)
    pricing: { [scriptedModelName]: { inputPerMillion: 0, outputPerMillion: 0 } },
    concurrency: 4,
    requestsPerMinute: 10_000,
    approvalMode,
    // The lint script changes package.json: the demo's one approval.
    approvalsRequire: ['dependencies', 'deployment', 'schema', 'publicApi', 'largeChange', 'budget'],
    // The demo ends by pointing at the agents' branches in the scratch repository: keep them.
    keepWorktrees: true,
  };
}
