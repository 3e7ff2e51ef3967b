import type { ThreadEntry } from '../../src/protocol/panelEntries';
import { renderMarkdown } from './markdown';
import { VirtualList } from './virtualList';

const time = (ts: string) => new Date(ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export interface ThreadViewProps {
  threads: Map<string, ThreadEntry[]>;
  selected: string | undefined;
  onSelect: (agent: string) => void;
  /** Saved scroll offsets per agent, so a hidden or reloaded panel opens where the reader was. */
  offsets: Record<string, number>;
  onScrolled: (agent: string, offset: number) => void;
}

/** One thread per agent: a tab list to choose the agent (arrow keys move), the chosen thread below. */
export function ThreadView({ threads, selected, onSelect, offsets, onScrolled }: ThreadViewProps) {
  const agents = [...threads.keys()];
  if (!agents.length) return <p class="muted">No agent has started yet.</p>;
  const current = selected && threads.has(selected) ? selected : agents[0]!;
  const entries = threads.get(current) ?? [];
  const move = (e: KeyboardEvent) => {
    const i = agents.indexOf(current);
    const next = e.key === 'ArrowRight' ? agents[(i + 1) % agents.length] : e.key === 'ArrowLeft' ? agents[(i - 1 + agents.length) % agents.length] : e.key === 'Home' ? agents[0] : e.key === 'End' ? agents.at(-1) : undefined;
    if (!next) return;
    e.preventDefault();
    onSelect(next);
    document.getElementById(`tab-${next}`)?.focus();
  };
  return (
    <section class="threads" aria-label="Agent threads">
      <div role="tablist" aria-label="Agents" class="tabs" onKeyDown={move}>
        {agents.map((a) => (
          <button key={a} id={`tab-${a}`} type="button" role="tab" class="tab" aria-selected={a === current} tabIndex={a === current ? 0 : -1} aria-controls="thread" onClick={() => onSelect(a)}>
            {a} <span class="count">{threads.get(a)!.length}</span>
          </button>
        ))}
      </div>
      <div id="thread" role="tabpanel" aria-labelledby={`tab-${current}`}>
        <VirtualList
          key={current}
          class="thread"
          items={entries}
          itemKey={(e) => `${e.seq}`}
          renderItem={(e) => <Entry entry={e} />}
          estimateHeight={56}
          label={`Thread of ${current}: ${entries.length} entries`}
          initialOffset={offsets[current]}
          onScrolled={(offset) => onScrolled(current, offset)}
        />
      </div>
    </section>
  );
}

export function Entry({ entry: e }: { entry: ThreadEntry }) {
  const head = (icon: string, title: string, extra?: string) => (
    <div class="entry-head">
      <span class={`codicon codicon-${icon}`} aria-hidden="true" />
      <strong>{title}</strong>
      {extra && <span class="muted">{extra}</span>}
      <time class="muted" dateTime={e.ts}>{time(e.ts)}</time>
    </div>
  );
  switch (e.kind) {
    case 'message':
      return (
        <div class={`entry message role-${e.role}`}>
          {head(e.role === 'assistant' ? 'comment' : 'info', e.role === 'assistant' ? e.agent : e.role, e.taskId)}
          {/* Sanitized by renderMarkdown (DOMPurify): a model's text never runs script or loads anything. */}
          <div class="markdown" dangerouslySetInnerHTML={{ __html: renderMarkdown(e.markdown) }} />
        </div>
      );
    case 'tool':
      return (
        <div class={`entry tool ${e.ok ? '' : 'failed'}`}>
          {head(e.refused ? 'shield' : e.ok ? 'tools' : 'warning', e.tool, e.refused ? 'refused' : e.ok ? undefined : 'failed')}
          <code class="args">{e.args}</code>
          {e.error && <div class="error">{e.error}</div>}
        </div>
      );
    case 'handoff':
      return (
        <div class="entry handoff">
          {head('arrow-swap', `Handoff ${e.from} → ${e.to}`, e.state)}
          {e.state === 'sent' && <div><em>{e.intent}</em>: {e.message}</div>}
          {e.detail && <div class="error">{e.detail}</div>}
        </div>
      );
    case 'verdict':
      return (
        <div class={`entry verdict verdict-${e.verdict}`}>
          {head(e.verdict === 'approve' ? 'pass' : 'request-changes', `Review by ${e.reviewer}: ${e.verdict.replace('_', ' ')}`, `${e.taskId}, round ${e.round}${e.findings ? `, ${e.findings} finding(s)` : ''}`)}
          <div class="markdown" dangerouslySetInnerHTML={{ __html: renderMarkdown(e.comments) }} />
        </div>
      );
    case 'step':
      return (
        <div class={`entry step step-${e.step}`}>
          {head(e.step === 'started' ? 'play' : e.step === 'committed' ? 'git-commit' : e.step === 'finished' ? 'check' : 'error', e.text)}
          {e.files?.length ? <div class="muted">{e.files.join(', ')}</div> : null}
        </div>
      );
    case 'notice':
      return <div class="entry notice">{head('info', e.text)}</div>;
  }
}
