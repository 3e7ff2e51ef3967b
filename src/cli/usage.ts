import { version } from '../../package.json';

export { version };

export const usage = `baton ${version}: run a team of LLM agents on a git repository

Usage:
  baton run "<task>" [--repo DIR] [--mode centralized|hierarchical|event-driven] [--budget USD]
                     [--concurrency N] [--model NAME] [--base-url URL] [--approve ask|auto|never]
                     [--json] [--detach]
  baton status <id> | list
  baton approve <id> [approvalId] | reject <id> [approvalId] [--reason TEXT]
  baton resume <id> | cancel <id> | rollback <id> [--to SNAPSHOT]
  baton serve [--port N] | doctor | demo
  baton memory [--json] | memory delete <id>   what earlier workflows taught; forget one entry

Options:
  -h, --help       show this help
  -V, --version    print the version
  --json           print events as JSON Lines, one a line

Environment:
  BATON_API_KEY (else OPENAI_API_KEY), BATON_BASE_URL, BATON_MODEL

Exit codes:
  0 completed, 1 failed, 2 usage or configuration error, 3 waiting for approval,
  4 paused by budget, 130 cancelled
`;
