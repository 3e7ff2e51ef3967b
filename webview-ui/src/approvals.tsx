import type { ApprovalView } from '../../src/protocol/webview';

export interface ApprovalActions {
  decide: (approvalId: string, decision: 'approve' | 'reject') => void;
  openDiff: (agentId: string | undefined) => void;
}

/** What the workflow waits for: why, what triggered it, which files, and the three ways to answer. */
export function Approvals({ approvals, agentOf, actions }: { approvals: ApprovalView[]; agentOf: (taskId: string | undefined) => string | undefined; actions: ApprovalActions }) {
  return (
    <>
      {approvals.map((p) => {
        const agent = agentOf(p.taskId);
        const files = p.files ?? [];
        return (
          <section key={p.approvalId} class="approval" aria-label={`Approval ${p.approvalId}`}>
            <div><span class="codicon codicon-bell-dot" aria-hidden="true" /> <strong>{isBudgetStop(p) ? 'Stopped at its budget' : 'Needs your approval'}</strong> <span class="muted">({p.trigger}{agent ? `, ${agent}` : ''}{p.taskId ? ` on ${p.taskId}` : ''})</span></div>
            <p>{p.reason}</p>
            {files.length > 0 && (
              <details class="diff-summary">
                <summary>{files.length} file{files.length > 1 ? 's' : ''} changed</summary>
                <ul>{files.slice(0, 50).map((f) => <li key={f}><span class="codicon codicon-diff" aria-hidden="true" /> {f}</li>)}</ul>
                {files.length > 50 && <p class="muted">and {files.length - 50} more</p>}
              </details>
            )}
            {isBudgetStop(p) ? (
              // A budget stop changes no file: a person raises the budget (Baton asks by how much) or stops here.
              <div class="actions">
                <button type="button" onClick={() => actions.decide(p.approvalId, 'approve')}><span class="codicon codicon-credit-card" aria-hidden="true" /> Raise Budget…</button>
                <button type="button" class="secondary" onClick={() => actions.decide(p.approvalId, 'reject')}><span class="codicon codicon-debug-stop" aria-hidden="true" /> Stop Here</button>
              </div>
            ) : (
              <div class="actions">
                <button type="button" onClick={() => actions.decide(p.approvalId, 'approve')}><span class="codicon codicon-check" aria-hidden="true" /> Approve</button>
                <button type="button" class="secondary" onClick={() => actions.decide(p.approvalId, 'reject')}><span class="codicon codicon-close" aria-hidden="true" /> Reject</button>
                <button type="button" class="secondary" onClick={() => actions.openDiff(agent)}><span class="codicon codicon-diff-multiple" aria-hidden="true" /> Open Diff</button>
              </div>
            )}
          </section>
        );
      })}
    </>
  );
}

/** The workflow's own budget stop (an epic's allowance is approved like any other step). */
function isBudgetStop(p: ApprovalView): boolean {
  return p.trigger === 'budget' && !p.approvalId.startsWith('allowance-');
}
