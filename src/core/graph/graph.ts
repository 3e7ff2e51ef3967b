import { END, START, StateGraph } from '@langchain/langgraph';
import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { analyze } from './nodes/analyze';
import { approve } from './nodes/approve';
import { dispatch, nextSteps } from './nodes/dispatch';
import { integrate } from './nodes/integrate';
import { land } from './nodes/land';
import { reflect } from './nodes/reflect';
import { route } from './nodes/route';
import { makeRunEpic } from './nodes/runEpic';
import type { SubWorkflowGraph } from './nodes/runEpic';
import { runTask } from './nodes/runTask';
import { WorkflowState } from './state';

/**
 * analyze -> route -> dispatch -> (runTask | runEpic | approve)* -> dispatch ... -> integrate -> dispatch
 * [-> approve (merge) -> dispatch -> land -> dispatch] -> reflect.
 * dispatch fans ready tasks out in parallel (Send); each wave comes back to dispatch, which settles
 * approvals and skipped tasks (and, event-driven, adds reactions) and sends the next wave, until
 * nothing is left to start; then integrate merges the agents' branches and runs the project's check
 * (adding fix tasks, which send it round again), and the merge approval and land bring the result
 * to the user's branch (docs/decisions/0012). runEpic (hierarchical) runs this same graph again for an epic.
 */
export function buildWorkflowGraph(checkpointer: BaseCheckpointSaver) {
  let self: SubWorkflowGraph | undefined;
  const graph = new StateGraph(WorkflowState)
    .addNode('analyze', analyze)
    .addNode('route', route)
    .addNode('dispatch', dispatch)
    .addNode('runTask', runTask)
    .addNode('runEpic', makeRunEpic(() => self!))
    .addNode('approve', approve)
    .addNode('integrate', integrate)
    .addNode('land', land)
    .addNode('reflect', reflect)
    .addEdge(START, 'analyze')
    .addEdge('analyze', 'route')
    .addEdge('route', 'dispatch')
    .addConditionalEdges('dispatch', nextSteps, ['runTask', 'runEpic', 'approve', 'integrate', 'land', 'reflect'])
    .addEdge('runTask', 'dispatch')
    .addEdge('runEpic', 'dispatch')
    .addEdge('approve', 'dispatch')
    .addEdge('integrate', 'dispatch')
    .addEdge('land', 'dispatch')
    .addEdge('reflect', END)
    .compile({ checkpointer });
  self = graph;
  return graph;
}

export type WorkflowGraph = ReturnType<typeof buildWorkflowGraph>;
