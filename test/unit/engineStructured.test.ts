import assert from 'node:assert/strict';
import { makeEngine, scriptedTeam } from '../support/engineHarness';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import { makeRepo } from '../support/repoBuilder';

const plan = { rationale: 'one task', tasks: [{ id: 't1', title: 'Add a', description: 'a.txt', capabilities: ['implement'], dependsOn: [], files: ['a.txt'], risks: [] }] };
const routing = { assignments: [{ taskId: 't1', agentId: 'coder', rationale: 'implements', confidence: 1 }] };

describe('engine: structured output on servers without json_schema', () => {
  it('falls back to a forced tool call after the server refuses json_schema, and remembers it', async () => {
    const server = await startFakeOpenAI({
      supportsJsonSchema: false,
      fallback: scriptedTeam(plan, routing, { coder: { work: () => [{ name: 'write_file', args: { path: 'a.txt', content: 'a\n' } }] } }),
    });
    try {
      const h = await makeEngine(makeRepo(), server);
      const id = await h.engine.start('add a');
      const outcome = await h.engine.run(id);
      assert.equal(outcome.status, 'completed', JSON.stringify(outcome));
      const refused = server.requests.filter((r) => r.handledBy === 'jsonSchemaRejected');
      assert.equal(refused.length, 1, 'json_schema is tried once, then Baton stops asking for it');
      const forced = server.chatRequests.filter((r) => typeof r.body.tool_choice === 'object');
      assert.ok(forced.some((r) => JSON.stringify(r.body.tool_choice).includes('"plan"')), 'the plan came through a forced tool call');
    } finally {
      await server.close();
    }
  });
});
