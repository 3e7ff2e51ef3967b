// The floor under the engine benchmark: the same model calls, in the same order and concurrency,
// through the same client (@langchain/openai's ChatOpenAI as Baton makes it, with the agents' tools
// bound), against the same fake server thread, and nothing else: no graph, no tools run, no git, no
// events, no checkpoints. What this takes beyond the ideal is the client and the machine (HTTP, JSON,
// LangChain and the OpenAI SDK, 8 conversations sharing one thread and 2 cores), which no change to
// Baton can remove; the engine's own overhead is the difference.
import { AIMessage, HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages';
import type { BaseMessage } from '@langchain/core/messages';
import { definitionsFor, toolsFor } from '../../src/core/agents/tools/registry';
import { createChatModel } from '../../src/core/models/chatModel';
import { benchTeam, criticalPathCalls, taskIdOf } from './engineScenario';
import type { Scenario } from './engineScenario';

export interface FloorRun {
  wallMs: number;
  idealMs: number;
  calls: number;
}

export async function clientFloor(s: Scenario, baseUrl: string): Promise<FloorRun> {
  const team = benchTeam(s);
  const model = createChatModel({ baseUrl, model: 'bench-model', apiKey: undefined }, 'bench-model');
  const tools = definitionsFor(toolsFor(team.agents[0]!.tools));
  const bound = model.bindTools!([...tools]);
  let calls = 0;
  const once = async (system: string, user: string) => {
    calls++;
    await model.invoke([new SystemMessage(system), new HumanMessage(user)]);
  };
  const task = async (agent: string, taskId: string) => {
    const messages: BaseMessage[] = [new SystemMessage(`Baton agent ${agent}: implement the task.`), new HumanMessage(`Your task ${taskId}: write its files.`)];
    for (let turn = 0; turn < s.callsPerTask; turn++) {
      calls++;
      const reply = (await bound.invoke(messages)) as AIMessage;
      messages.push(reply);
      for (const call of reply.tool_calls ?? []) messages.push(new ToolMessage({ content: 'ok', tool_call_id: call.id ?? '' }));
    }
  };
  const t0 = performance.now();
  await once('Baton analyze: decompose the job.', 'implement the three steps of the feature');
  await once('Baton route: assign each task.', 'the plan');
  for (let w = 0; w < s.waves; w++) {
    await Promise.all(Array.from({ length: s.tasksPerWave }, (_, i) => task(team.agents[i % s.agents]!.id, taskIdOf(w, i))));
  }
  await once('Baton reflect: a retrospective.', 'what happened');
  return { wallMs: performance.now() - t0, idealMs: criticalPathCalls(s) * s.latencyMs, calls };
}
