import { END, START, StateGraph } from '@langchain/langgraph';
import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { analyze } from './nodes/analyze';
import { approve } from './nodes/approve';
import { dispatch, nextSteps } from './nodes/dispatch';
import { reflect } from './nodes/reflect';
import { route } from './nodes/route';
import { makeRunEpic } from './nodes/runEpic';
import type { SubWorkflowGraph } from './nodes/runEpic';
import { runTask } from './nodes/runTask';
import { WorkflowState } from './state';

/**
 * analyze -> route -> dispatch -> (runTask | runEpic | approve)* -> dispatch ... -> reflect.
 * dispatch fans ready tasks out in parallel (Send); each wave comes back to dispatch, which settles
 * approvals and skipped tasks (and, event-driven, adds reactions) and sends the next wave, until
 * nothing is left to start. runEpic (hierarchical) runs this same graph again for an epic.
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
    .addNode('reflect', reflect)
    .addEdge(START, 'analyze')
    .addEdge('analyze', 'route')
    .addEdge('route', 'dispatch')
    .addConditionalEdges('dispatch', nextSteps, ['runTask', 'runEpic', 'approve', 'reflect'])
    .addEdge('runTask', 'dispatch')
    .addEdge('runEpic', 'dispatch')
    .addEdge('approve', 'dispatch')
    .addEdge('reflect', END)
    .compile({ checkpointer });
  self = graph;
  return graph;
}

export type WorkflowGraph = ReturnType<typeof buildWorkflowGraph>;
