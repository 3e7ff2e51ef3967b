// The entry of dist/engine.js: everything the extension needs from the engine, in one bundle that
// is required on the first command that runs a workflow, never at activation (LangGraph and the
// model clients weigh a few MB). Not a barrel for imports: nothing imports this file but esbuild.
export { openEngine } from '../../core/openEngine';
export { createSampleRepository } from '../../core/demo/sampleRepo';
export { demoTask } from '../../core/demo/demoScript';
export { demoEngineSettings } from '../../core/demo/demoSettings';
export { errorMessage } from '../../core/errors';
export { describeEstimate } from '../../core/cost/estimate';
export { ConflictClient } from './conflictClient';
export { readFileAtRef } from '../../core/git/refFiles';
export { checkPostgres } from '../../core/store/storageCheck';
export { readWorkflowHistory } from '../../core/events/workflowHistory';
