import { useEffect, useRef, useState } from 'preact/hooks';
import type { PanelEntry } from '../../src/protocol/panelEntries';
import type { PanelCommand, PanelState, WorkflowSummary } from '../../src/protocol/webview';
import type { Host } from './host';
import { WorkflowDetail } from './workflowDetail';
import { formatUsd as usd } from '../../src/core/cost/money';


/** What the webview keeps with VS Code (getState/setState): it survives hiding and reloading. */
interface ViewState {
  panel?: PanelState;
  selected?: string;
  agent?: string;
  /** Scroll offsets of threads, by `workflowId/agent`. */
  offsets?: Record<string, number>;
}

interface Feed { workflowId: string; entries: PanelEntry[]; version: number }

export function App({ host }: { host: Host }) {
  // Render what was last shown at once (panel hidden, window reloaded), then the host's fresh state.
  const [view, setView] = useState<ViewState>(() => host.saved<ViewState>() ?? {});
  const [error, setError] = useState<string>();
  const [feed, setFeed] = useState<Feed>();
  const watched = useRef<string | undefined>(undefined);
  const state = view.panel;
  const latestView = useRef(view);
  latestView.current = view;

  const offsets = useRef<Record<string, number>>(view.offsets ?? {});
  const update = (change: (v: ViewState) => ViewState) => setView((v) => {
    const next = { ...change(v), offsets: { ...offsets.current } };
    host.save(next);
    return next;
  });

  useEffect(() => {
    const offState = host.on('state', (s) => update((v) => ({ ...v, panel: s })));
    const offFeed = host.on('feed', (f) => {
      if (f.workflowId !== watched.current) return;
      // Appended in place: a thread of 10,000 entries is not copied for every live batch.
      setFeed((current) => {
        if (f.reset || !current || current.workflowId !== f.workflowId) return { workflowId: f.workflowId, entries: f.entries, version: 0 };
        current.entries.push(...f.entries);
        return { ...current, version: current.version + 1 };
      });
    });
    // "Open Agent Panel" on an item of the agent monitor: that workflow, and that agent's thread.
    const offFocus = host.on('focus', (f) => update((v) => ({ ...v, selected: f.workflowId, agent: f.agentId ?? v.agent })));
    host.ready();
    return () => { offState(); offFeed(); offFocus(); };
  }, [host]);

  const workflows = state?.workflows ?? [];
  const selected = workflows.find((w) => w.id === view.selected) ?? workflows.find((w) => w.status === 'waiting') ?? workflows[0];

  useEffect(() => {
    if (!selected || watched.current === selected.id) return;
    watched.current = selected.id;
    setFeed(undefined);
    host.request('watch', { workflowId: selected.id }).catch((e: Error) => setError(e.message));
  }, [selected?.id]);

  const run = (command: PanelCommand) => {
    setError(undefined);
    host.request('runCommand', { command }).catch((e: Error) => setError(e.message));
  };

  // Scrolling fires often; the position is saved once a frame at most.
  const pendingSave = useRef<number | undefined>(undefined);
  const onScrolled = (agent: string, offset: number) => {
    if (!selected) return;
    offsets.current[`${selected.id}/${agent}`] = offset;
    if (pendingSave.current !== undefined) return;
    pendingSave.current = requestAnimationFrame(() => {
      pendingSave.current = undefined;
      host.save({ ...latestView.current, offsets: { ...offsets.current } });
    });
  };
  const offsetsOf = (id: string) => Object.fromEntries(Object.entries(offsets.current).filter(([k]) => k.startsWith(`${id}/`)).map(([k, v]) => [k.slice(id.length + 1), v]));

  return (
    <main aria-busy={state ? 'false' : 'true'}>
      <header class="title">
        <span class="codicon codicon-organization" aria-hidden="true" />
        <h1>Baton</h1>
        {state && <span class="muted">v{state.extensionVersion}</span>}
      </header>
      {error && <p role="alert" class="error">{error}</p>}
      {!state ? (
        <p class="muted">Connecting to Baton…</p>
      ) : workflows.length === 0 ? (
        <Empty trusted={state.workspaceTrusted} run={run} />
      ) : (
        <>
          <ul class="workflows" aria-label="Workflows">
            {workflows.map((w) => <WorkflowItem key={w.id} workflow={w} selected={w.id === selected?.id} select={() => update((v) => ({ ...v, selected: w.id }))} />)}
          </ul>
          {selected && (
            <WorkflowDetail
              workflow={selected}
              entries={feed?.workflowId === selected.id ? feed.entries : []}
              version={feed?.workflowId === selected.id ? feed.version : -1}
              agent={view.agent}
              onAgent={(agent) => update((v) => ({ ...v, agent }))}
              offsets={offsetsOf(selected.id)}
              onScrolled={onScrolled}
              actions={{
                decide: (approvalId, decision) => {
                  setError(undefined);
                  host.request('decide', { workflowId: selected.id, approvalId, decision }).catch((e: Error) => setError(e.message));
                },
                openDiff: (agentId) => {
                  setError(undefined);
                  host.request('openDiff', { workflowId: selected.id, agentId }).catch((e: Error) => setError(e.message));
                },
              }}
            />
          )}
        </>
      )}
    </main>
  );
}

function Empty({ trusted, run }: { trusted: boolean; run: (c: PanelCommand) => void }) {
  if (!trusted) {
    return (
      <section id="empty" class="empty">
        <p>This workspace is not trusted, so Baton runs no agent here: agents change files and run commands.</p>
      </section>
    );
  }
  return (
    <section id="empty" class="empty">
      <p>No workflow yet. Describe a job and Baton's agents work on it, each on its own git branch, until you approve.</p>
      <div class="actions">
        <button type="button" onClick={() => run('baton.startWorkflow')}>
          <span class="codicon codicon-play" aria-hidden="true" /> Start Workflow
        </button>
        <button type="button" class="secondary" onClick={() => run('baton.tryDemo')}>
          <span class="codicon codicon-beaker" aria-hidden="true" /> Try the Demo
        </button>
        <button type="button" class="secondary" onClick={() => run('baton.doctor')}>
          <span class="codicon codicon-pulse" aria-hidden="true" /> Check Setup
        </button>
      </div>
    </section>
  );
}

function WorkflowItem({ workflow: w, selected, select }: { workflow: WorkflowSummary; selected: boolean; select: () => void }) {
  return (
    <li class={`workflow ${selected ? 'selected' : ''}`}>
      <button type="button" class="workflow-select" aria-pressed={selected} onClick={select}>
        <span class="row">
          <strong>{w.task}</strong>
          <span class={`status status-${w.status}`}>{w.approvals?.length ? <span class="codicon codicon-bell-dot" aria-label="needs approval" /> : null} {w.status}</span>
        </span>
        <span class="muted">
          {w.mode} · {usd(w.costUsd)} of {usd(w.budgetUsd)} · {w.agents.length} agents{w.alert ? ` · ${w.alert.detail}` : ''}
        </span>
      </button>
    </li>
  );
}
