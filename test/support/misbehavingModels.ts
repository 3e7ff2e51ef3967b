// What the conformance suite (test/unit/modelConformance*.test.ts) needs to play a model that misbehaves: the
// real @langchain/openai client streaming or not, replies reworded the way real models word them, and the
// checks every scenario ends with.
import assert from 'node:assert/strict';
import { ChatOpenAI, ChatOpenAICompletions } from '@langchain/openai';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { ChatRequest, FakeOpenAI, Reply } from './fakeOpenAI';
import { conversation } from './engineHarness';
import { git } from './repoBuilder';

export type Scripted = (req: ChatRequest) => Reply;

/** Both code paths of the client: one JSON body, or server-sent events joined by the client. */
export const transports = [{ streaming: false }, { streaming: true }] as const;

/**
 * The engine's model, streaming when asked: the same ChatOpenAI the product makes (createChatModel), with
 * `streaming: true` added, since the product does not stream and a streamed reply takes other paths in the client
 * (no json_schema parsing, tool-call arguments joined from deltas).
 */
export function clientFor(server: FakeOpenAI, streaming: boolean): { createModel?: (model: string) => BaseChatModel } {
  if (!streaming) return {};
  return {
    createModel: (model) => {
      const fields = { model, apiKey: 'test-key', configuration: { baseURL: server.baseUrl }, maxRetries: 0, temperature: 0, streaming: true };
      return new ChatOpenAI({ ...fields, completions: new OfflineCompletions(fields) });
    },
  };
}

/**
 * After a streamed reply LangChain also estimates its tokens with tiktoken, which it downloads (and retries for a
 * long while offline). Baton records the usage the server sends, so a rough local count does here.
 */
class OfflineCompletions extends ChatOpenAICompletions {
  override async getNumTokens(content: Parameters<ChatOpenAICompletions['getNumTokens']>[0]): Promise<number> {
    return Math.ceil((typeof content === 'string' ? content : JSON.stringify(content)).length / 4);
  }
}

/** The agent a request is for, from its system prompt. */
export const agentOf = (req: ChatRequest): string | undefined => /^Baton agent ([a-z0-9-]+):/.exec(conversation(req).system)?.[1];

export const isPurpose = (purpose: 'analyze' | 'route' | 'bid' | 'review' | 'reflect') => (req: ChatRequest): boolean => conversation(req).system.startsWith(`Baton ${purpose}`);

/** Every structured reply of a script (`{json}`) sent as text instead, worded by `say`. */
export function reworded(script: Scripted, say: (json: unknown, req: ChatRequest) => string, only: (req: ChatRequest) => boolean = () => true): Scripted {
  return (req) => {
    const reply = script(req);
    return 'json' in reply && only(req) ? { text: say(reply.json, req) } : reply;
  };
}

/** The ways models dress up JSON, one per purpose so a run meets all of them. */
export function chatty(json: unknown, req: ChatRequest): string {
  const body = JSON.stringify(json, null, 2);
  const c = conversation(req).system;
  if (c.startsWith('Baton analyze')) return `Here is the plan:\n\`\`\`json\n${body}\n\`\`\`\nLet me know if you want it split differently.`;
  if (c.startsWith('Baton route')) return `${JSON.stringify(json)}\n\nI matched each task to the closest role.`;
  if (c.startsWith('Baton review')) return `Sure! My review:\n${body}`;
  return `\`\`\`\n${body}\n\`\`\``;
}

/** A message a person reads: a sentence, never a stack trace. */
export function assertReadable(text: string | undefined): void {
  assert.ok(text && text.trim().length > 0, 'a message is given');
  assert.doesNotMatch(text, /\n\s+at /, `no stack trace in: ${text}`);
  assert.doesNotMatch(text, /\b(TypeError|SyntaxError|ReferenceError|undefined is not)\b/, `no raw exception in: ${text}`);
}

/** A file as committed on a branch, or undefined when the branch does not have it. */
export function fileOn(repo: string, branch: string, path: string): string | undefined {
  return git(repo, 'ls-tree', '--name-only', branch, '--', path) ? git(repo, 'show', `${branch}:${path}`) : undefined;
}
