import type { EventBus } from '../events/eventBus';
import type { WorkflowRecords } from '../workflowRecords';
import { ConflictWatcher } from './conflictScan';
import type { AgentWorkspaces } from './workspaces';

/**
 * After an agent commits, predicts conflicts between the workflow's branches, and with new commits
 * on the user's branch, in the background. Commits that land during a scan are covered by one more
 * scan, not one each; pairs whose heads did not move are not merged again (ConflictWatcher).
 */
export class ConflictSchedule {
  readonly watcher: ConflictWatcher;
  private readonly scans = new Map<string, { again: boolean; done: Promise<void> }>();

  constructor(repoDir: string, bus: EventBus, private readonly workspaces: AgentWorkspaces, private readonly records: WorkflowRecords) {
    this.watcher = new ConflictWatcher(repoDir, bus);
    bus.on('agent.committed', (e) => this.schedule(e.workflowId));
  }

  /** Resolves when the predictions for the workflow's commits so far have been made. */
  async settled(workflowId: string): Promise<void> {
    await this.scans.get(workflowId)?.done;
  }

  /** Predicts again soon; also after a commit Baton makes outside an agent's turn (Engine.takeSide). */
  schedule(workflowId: string): void {
    const pending = this.scans.get(workflowId);
    if (pending) {
      pending.again = true;
      return;
    }
    const scan = { again: true, done: Promise.resolve() };
    const loop = async () => {
      while (scan.again) {
        scan.again = false;
        const record = await this.records.get(workflowId);
        if (!record) return;
        const branches = await this.workspaces.branchesOf(workflowId);
        // A prediction that fails (a branch deleted by hand) is retried with the next commit.
        await this.watcher.scan(workflowId, branches, { ref: 'HEAD', since: record.baseCommit }).catch(() => undefined);
      }
    };
    scan.done = loop().catch(() => undefined).finally(() => this.scans.delete(workflowId));
    this.scans.set(workflowId, scan);
  }
}
