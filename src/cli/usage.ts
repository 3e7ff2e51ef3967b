import { version } from '../../package.json';

export { version };

export const usage = `baton ${version}: run a team of LLM agents on a git repository

Usage:
  baton run "<task>" [--repo DIR] [--mode centralized|hierarchical|event-driven] [--budget USD]
                     [--budget-tokens N] [--concurrency N] [--model NAME] [--base-url URL]
                     [--approve ask|auto|never] [--json] [--detach] [--yes] [--check "<command>"]
                     [--keep-worktrees] [--trust-repo-config]
  baton resume <id> [--budget USD] [--approve ask|auto|never] [--concurrency N] [--model NAME]
                    [--base-url URL] [--check "<command>"] [--keep-worktrees] [--json] [--trust-repo-config]
  baton status <id> | list
  baton approve <id> [approvalId] [--budget USD] | reject <id> [approvalId] [--reason TEXT]
  baton cancel <id> | rollback <id> [--to SNAPSHOT]
  baton rollback <id> --list | --checkpoint ID | --task TASK | --restart
  baton serve [--port N] | doctor | demo
  baton memory [--json] | memory delete <id>   what earlier workflows taught; forget one entry
  baton trust [--show | --revoke] [--yes]      allow this repository's .baton/ requests: check, commands

Options:
  -h, --help       show this help
  -V, --version    print the version
  --json           print events as JSON Lines, one a line
  -y, --yes        run: start without asking after the cost estimate; trust: trust without asking
  --budget USD     the most the workflow may spend (default 2). At the budget it stops and waits: only you raise
                   it, with resume --budget or approve --budget; --approve auto never does
  --budget-tokens N  the budget in tokens as well; by default one holds only when a model has no known price
  --check CMD      the project's check, run on the agents' merged work (it wins over agents.yaml's check)
  --keep-worktrees keep the workflow's worktrees and branches when it ends (also on resume and cancel)
  --trust-repo-config  trust what .baton/agents.yaml requests now (its check, commands to allow) and remember it

A repository's .baton/ can only ask, never grant: its check and allowed commands take effect once you trust
that content (asked once in a terminal, or baton trust; remembered by its sha256 in
$XDG_CONFIG_HOME/baton/trust.json); until then a workflow runs with your own settings only, and says so.
Its approval triggers only add to yours.

A workflow keeps the settings it was run with (--approve, --concurrency, --model, --base-url, --check,
--keep-worktrees): resume goes on with them, and flags given to resume replace them, which it says.

When the agents are done, their work is merged on baton/<id>/integration; it lands on your current
branch after you approve "merge" (baton approve <id> merge), and only if your working tree allows it.

Settings file:
  $XDG_CONFIG_HOME/baton/config.yaml (default ~/.config/baton/config.yaml): the keys of VS Code's baton.*
  settings, nested (model: {name, baseUrl, fallbacks, pricing}, budget: {perWorkflowUsd, tokens},
  concurrency, rateLimit, approvals, commands: {allow}, check: {command}, git, storage, mode).
  The environment and flags win over it.

Environment:
  BATON_API_KEY (else OPENAI_API_KEY), BATON_BASE_URL, BATON_MODEL, BATON_KEEP_WORKTREES=1

Exit codes:
  0 completed (every planned task done, or taken out by you), 1 failed (a task failed or did not run),
  2 usage or configuration error, 3 waiting for approval (or for you to make room for the merge),
  4 paused at the budget, 130 cancelled
`;