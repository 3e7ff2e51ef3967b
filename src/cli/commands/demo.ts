import { createSampleRepository } from '../../core/demo/sampleRepo';
import { demoTask } from '../../core/demo/demoScript';
import { demoEngineSettings } from '../../core/demo/demoSettings';
import { scriptedModelName } from '../../core/demo/scriptedChatModel';
import { openEngine } from '../../core/openEngine';
import type { CliIo } from '../program';
import { canAsk } from '../prompt';
import type { Flags } from '../settings';
import { drive, printEvents } from './run';

const terminal = { input: process.stdin, output: process.stdout };

/**
 * `baton demo`: the whole flow (a plan, agents in parallel on their own branches, a review round,
 * an approval) on a scratch copy of a sample repository, driven by a scripted model: no API key,
 * no network. In a terminal the approval is asked; elsewhere it is approved by policy, and says so.
 */
export async function demoCommand(flags: Flags, io: CliIo): Promise<number> {
  const repo = createSampleRepository();
  const interactive = canAsk(terminal) && !flags.json;
  if (!flags.json) {
    io.stdout.write(`Baton demo: the agents are driven by Baton's built-in SCRIPTED model (${scriptedModelName}), not a real LLM.\n` +
      `No API key, no network. Working on a scratch repository: ${repo}\n\n`);
  }
  const opened = await openEngine(repo, demoEngineSettings(interactive ? 'ask' : 'auto'));
  const printing = printEvents(opened.engine, io, Boolean(flags.json));
  try {
    const id = await opened.engine.start(demoTask, { budgetUsd: 1 });
    const code = await drive(opened, id, io, { json: Boolean(flags.json), approve: interactive ? 'ask' : 'auto', terminal });
    if (!flags.json) {
      io.stdout.write(`\nLook at what the agents did:\n  cd ${repo}\n  git branch --list 'baton/*'\n  git log --oneline baton/${id}/coder\n` +
        `  npm run baton -- list --repo ${repo}   (from Baton's folder)\n`);
    }
    return code;
  } finally {
    printing.dispose();
    opened.close();
  }
}
