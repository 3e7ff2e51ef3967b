import { setTimeout as delay } from 'node:timers/promises';
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { BaseChatModelCallOptions, BindToolsInput } from '@langchain/core/language_models/chat_models';
import { AIMessage } from '@langchain/core/messages';
import type { BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';

export interface ScriptedTurn {
  content?: string;
  toolCalls?: { name: string; args: Record<string, unknown> }[];
}

/** Decides the next reply from the conversation so far; the demo's script is one of these. */
export type Script = (messages: BaseMessage[]) => ScriptedTurn;

export const scriptedModelName = 'baton-demo-scripted-model';

/**
 * A chat model that follows a script instead of calling a service: it is how `baton demo` shows
 * the whole flow with no key and no network. It says what it is in its name, which every cost
 * event and the panel show.
 */
export class ScriptedChatModel extends BaseChatModel<BaseChatModelCallOptions & { tools?: BindToolsInput[] }> {
  constructor(private readonly script: Script, private readonly latencyMs = 120) {
    super({});
  }

  _llmType(): string {
    return scriptedModelName;
  }

  override bindTools(tools: BindToolsInput[], kwargs?: Partial<this['ParsedCallOptions']>): ReturnType<NonNullable<BaseChatModel['bindTools']>> {
    // The script decides the calls; binding only records which tools the caller offered.
    return this.withConfig({ ...kwargs, tools } as Partial<this['ParsedCallOptions']>) as unknown as ReturnType<NonNullable<BaseChatModel['bindTools']>>;
  }

  async _generate(messages: BaseMessage[], options: this['ParsedCallOptions']): Promise<ChatResult> {
    // A little latency, so parallel agents visibly overlap as they would with a real model.
    await delay(this.latencyMs, undefined, { signal: options.signal });
    const turn = this.script(messages);
    const content = turn.content ?? '';
    const message = new AIMessage({
      content,
      tool_calls: (turn.toolCalls ?? []).map((c, i) => ({ id: `demo-call-${Date.now()}-${i}`, name: c.name, args: c.args, type: 'tool_call' as const })),
      usage_metadata: { input_tokens: Math.ceil(JSON.stringify(messages.map((m) => m.content)).length / 4), output_tokens: Math.ceil((content.length + JSON.stringify(turn.toolCalls ?? []).length) / 4), total_tokens: 0 },
    });
    return { generations: [{ text: content, message }] };
  }
}
