import { version } from '../../package.json';

export { version };

export const usage = `baton ${version}: run a team of LLM agents on a git repository

Usage:
  baton run "<task>" [--repo DIR] [--mode centralized|hierarchical|event-driven] [--budget USD]
                     [--concurrency N] [--model NAME] [--base-url URL] [--approve ask|auto|never]
                     [--json] [--detach] [--yes] [--check "<command>"] [--keep-worktrees]
  baton status <id> | list
  baton approve <id> [approvalId] | reject <id> [approvalId] [--reason TEXT]
  baton resume <id> | cancel <id> | rollback <id> [--to SNAPSHOT]
  baton rollback <id> --list | --checkpoint ID | --task TASK | --restart
  baton serve [--port N] | doctor | demo
  baton memory [--json] | memory delete <id>   what earlier workflows taught; forget one entry

Options:
  -h, --help       show this help
  -V, --version    print the version
  --json           print events as JSON Lines, one a line
  -y, --yes        start without asking after the cost estimate
  --check CMD      the project's check, run on the agents' merged work (agents.yaml check.command wins)
  --keep-worktrees keep the workflow's worktrees and branches when it ends (also on resume and cancel)

When the agents are done, their work is merged on baton/<id>/integration; it lands on your current
branch after you approve "merge" (baton approve <id> merge), and only if your working tree allows it.

Environment:
  BATON_API_KEY (else OPENAI_API_KEY), BATON_BASE_URL, BATON_MODEL, BATON_KEEP_WORKTREES=1

Exit codes:
  0 completed, 1 failed, 2 usage or configuration error, 3 waiting for approval (or for you to
  make room for the merge), 4 paused by budget, 130 cancelled
`;
