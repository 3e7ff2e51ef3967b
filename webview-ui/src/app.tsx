import { useEffect, useState } from 'preact/hooks';
import type { PanelCommand, PanelState, WorkflowSummary } from '../../src/protocol/webview';
import type { Host } from './host';

const usd = (n: number) => `$${n.toFixed(2)}`;

export function App({ host }: { host: Host }) {
  // Render what was last shown at once (panel hidden, window reloaded), then the host's fresh state.
  const [state, setState] = useState<PanelState | undefined>(() => host.saved<PanelState>());
  const [error, setError] = useState<string>();

  useEffect(() => {
    const off = host.on('state', (s) => {
      setState(s);
      host.save(s);
    });
    host.ready();
    return off;
  }, [host]);

  const run = (command: PanelCommand) => {
    setError(undefined);
    host.request('runCommand', { command }).catch((e: Error) => setError(e.message));
  };

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
      ) : state.workflows.length === 0 ? (
        <Empty trusted={state.workspaceTrusted} run={run} />
      ) : (
        <ul class="workflows" aria-label="Workflows">
          {state.workflows.map((w) => <WorkflowItem key={w.id} workflow={w} decide={(approvalId, decision) => {
            setError(undefined);
            host.request('decide', { workflowId: w.id, approvalId, decision }).catch((e: Error) => setError(e.message));
          }} />)}
        </ul>
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

function WorkflowItem({ workflow: w, decide }: { workflow: WorkflowSummary; decide: (approvalId: string, decision: 'approve' | 'reject') => void }) {
  return (
    <li class="workflow" tabIndex={0}>
      <div class="row">
        <strong>{w.task}</strong>
        <span class={`status status-${w.status}`}>{w.status}</span>
      </div>
      <div class="muted">
        {w.mode} · {usd(w.costUsd)} of {usd(w.budgetUsd)} · {w.agents.length} agents
      </div>
      {w.agents.length > 0 && (
        <ul class="agents" aria-label="Agents">
          {w.agents.map((a) => (
            <li key={a.id}><span class="agent">{a.id}</span> <span class="muted">{a.status}{a.currentStep ? ` · ${a.currentStep}` : ''} · {usd(a.costUsd)}</span></li>
          ))}
        </ul>
      )}
      {w.approvals?.map((p) => (
        <section key={p.approvalId} class="approval" aria-label={`Approval ${p.approvalId}`}>
          <div><span class="codicon codicon-bell-dot" aria-hidden="true" /> <strong>Needs your approval</strong> <span class="muted">({p.trigger})</span></div>
          <p>{p.reason}</p>
          {p.files?.length ? <p class="muted">Files: {p.files.join(', ')}</p> : null}
          <div class="actions">
            <button type="button" onClick={() => decide(p.approvalId, 'approve')}><span class="codicon codicon-check" aria-hidden="true" /> Approve</button>
            <button type="button" class="secondary" onClick={() => decide(p.approvalId, 'reject')}><span class="codicon codicon-close" aria-hidden="true" /> Reject</button>
          </div>
        </section>
      ))}
    </li>
  );
}
