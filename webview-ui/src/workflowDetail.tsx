import { useMemo } from 'preact/hooks';
import type { PanelEntry } from '../../src/protocol/panelEntries';
import type { WorkflowSummary } from '../../src/protocol/webview';
import { Approvals } from './approvals';
import type { ApprovalActions } from './approvals';
import { CostByAgent, CostOverTime } from './charts';
import { agentOfTask, costByAgent, costSeries, threadsByAgent, timelineSpans } from './feed';
import { ThreadView } from './threadView';
import { Timeline } from './timeline';

export interface DetailProps {
  workflow: WorkflowSummary;
  entries: readonly PanelEntry[];
  /** Bumped on every append: the entries array is appended in place. */
  version: number;
  agent: string | undefined;
  onAgent: (agent: string) => void;
  offsets: Record<string, number>;
  onScrolled: (agent: string, offset: number) => void;
  actions: ApprovalActions;
}

/** The selected workflow: what waits for the user first, then costs and timeline, then the threads. */
export function WorkflowDetail({ workflow: w, entries, version, agent, onAgent, offsets, onScrolled, actions }: DetailProps) {
  const derived = useMemo(() => {
    const threads = threadsByAgent(entries);
    return { threads, agents: [...threads.keys()], costs: costByAgent(entries), series: costSeries(entries), timeline: timelineSpans(entries) };
  }, [entries, version]);
  return (
    <section class="detail" aria-label={`Workflow ${w.id}`} data-entries={entries.length}>
      {w.approvals?.length ? <Approvals approvals={w.approvals} agentOf={(taskId) => agentOfTask(entries, taskId)} actions={actions} /> : null}
      <div class="charts">
        <CostByAgent costs={derived.costs} agents={derived.agents} />
        <CostOverTime byAgent={derived.series.byAgent} total={derived.series.total} agents={derived.agents} />
        <Timeline spans={derived.timeline.spans} from={derived.timeline.from} to={derived.timeline.to} agents={derived.agents} />
      </div>
      <ThreadView threads={derived.threads} selected={agent} onSelect={onAgent} offsets={offsets} onScrolled={onScrolled} />
    </section>
  );
}
