import assert from 'node:assert/strict';
import type { PanelEntry } from '../../src/protocol/panelEntries';
import { agentOfTask, costByAgent, costSeries, threadsByAgent, timelineSpans } from '../../webview-ui/src/feed';

const at = (s: number) => new Date(Date.UTC(2026, 10, 29, 10, 0, s)).toISOString();
let seq = 0;
const step = (agent: string, s: number, kind: 'started' | 'finished' | 'failed', taskId: string): PanelEntry => ({ seq: ++seq, ts: at(s), agent, kind: 'step', step: kind, taskId, text: '' });
const cost = (agent: string, s: number, usd: number): PanelEntry => ({ seq: ++seq, ts: at(s), agent, kind: 'cost', usd, model: 'gpt-4o' });
const note = (agent: string, s: number): PanelEntry => ({ seq: ++seq, ts: at(s), agent, kind: 'notice', text: 'planned' });

describe('what the panel draws from a workflow\'s entries', () => {
  const entries: PanelEntry[] = [
    note('orchestrator', 0), cost('orchestrator', 1, 0.01),
    step('coder', 2, 'started', 't1'), cost('coder', 3, 0.02), step('tester', 4, 'started', 't2'),
    cost('tester', 5, 0.03), step('coder', 6, 'finished', 't1'), cost('coder', 7, 0.04), step('tester', 8, 'failed', 't2'),
    step('coder', 9, 'started', 't3'), cost('coder', 10, 0.01),
  ];

  it('threads per agent in order of appearance, the orchestrator last, costs kept out', () => {
    const threads = threadsByAgent(entries);
    assert.deepEqual([...threads.keys()], ['coder', 'tester', 'orchestrator']);
    assert.equal([...threads.values()].flat().length, entries.filter((e) => e.kind !== 'cost').length, 'costs are not thread entries');
  });

  it('cost per agent, most expensive first, and running totals over time', () => {
    assert.deepEqual(costByAgent(entries).map((c) => [c.agent, Number(c.usd.toFixed(2))]), [['coder', 0.07], ['tester', 0.03], ['orchestrator', 0.01]]);
    const { byAgent, total } = costSeries(entries);
    assert.equal(Number(total.at(-1)!.usd.toFixed(2)), 0.11);
    assert.deepEqual(byAgent.get('coder')!.map((p) => Number(p.usd.toFixed(2))), [0.02, 0.06, 0.07]);
  });

  it('the timeline: a span from each start to its end, open spans to the last entry, with outcomes', () => {
    const { spans, from, to } = timelineSpans(entries);
    assert.equal(to - from, 10_000);
    assert.deepEqual(spans.map((s) => [s.agent, s.taskId, (s.end - s.start) / 1000, s.outcome]), [
      ['coder', 't1', 4, 'done'], ['tester', 't2', 4, 'failed'], ['coder', 't3', 1, 'working'],
    ]);
  });

  it('names the agent of a task (for an approval\'s Open Diff)', () => {
    assert.equal(agentOfTask(entries, 't2'), 'tester');
    assert.equal(agentOfTask(entries, 'nope'), undefined);
  });
});
