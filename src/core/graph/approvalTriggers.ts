import type { ApprovalTrigger } from '../config/vocabulary';
import type { ApprovalPolicy } from './context';

// Which changed files make a step risky. Paths are repository-relative with forward slashes.
const patterns: [Exclude<ApprovalTrigger, 'largeChange' | 'lowConfidence' | 'budget'>, RegExp][] = [
  ['dependencies', /(^|\/)(package\.json|package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|requirements[^/]*\.txt|pyproject\.toml|Pipfile(\.lock)?|poetry\.lock|go\.(mod|sum)|Cargo\.(toml|lock)|Gemfile(\.lock)?|pom\.xml|build\.gradle(\.kts)?|composer\.(json|lock)|[^/]+\.csproj)$/],
  ['deployment', /(^|\/)(Dockerfile[^/]*|docker-compose[^/]*\.ya?ml|compose\.ya?ml|\.github\/workflows\/[^/]+|\.gitlab-ci\.yml|Jenkinsfile|\.circleci\/[^/]+|azure-pipelines\.yml|Procfile|fly\.toml|vercel\.json|netlify\.toml|app\.yaml)$|(^|\/)(k8s|kubernetes|helm|charts|deploy|deployment|infra|terraform)\/|\.tf$/],
  ['schema', /(^|\/)(migrations?|migrate|db\/schema)\/|\.sql$|(^|\/)schema\.(prisma|rb|graphql)$|(^|\/)alembic\//],
  ['publicApi', /(^|\/)(api|public)\/|\.d\.ts$|(^|\/)openapi\.(ya?ml|json)$|\.proto$|\.graphql$/],
  // Only the repository's own .baton/ at its root: Baton reads no other.
  ['config', /^\.baton\//],
];

export interface TriggerHit {
  trigger: ApprovalTrigger;
  reason: string;
  files: string[];
}

/** The approval triggers a finished step hits, among those the policy requires. */
export function triggersFor(changedFiles: readonly string[], confidence: number, policy: ApprovalPolicy): TriggerHit[] {
  const hits: TriggerHit[] = [];
  for (const [trigger, re] of patterns) {
    const files = changedFiles.filter((f) => re.test(f));
    if (files.length && policy.require.has(trigger)) hits.push({ trigger, files, reason: `${describe[trigger]}: ${files.slice(0, 5).join(', ')}${files.length > 5 ? ` and ${files.length - 5} more` : ''}` });
  }
  if (policy.require.has('largeChange') && changedFiles.length > policy.largeChangeFiles) {
    hits.push({ trigger: 'largeChange', files: [...changedFiles], reason: `changes ${changedFiles.length} files (more than ${policy.largeChangeFiles})` });
  }
  if (policy.require.has('lowConfidence') && confidence < policy.confidenceThreshold) {
    hits.push({ trigger: 'lowConfidence', files: [...changedFiles], reason: `the agent's confidence is ${confidence.toFixed(2)}, below ${policy.confidenceThreshold}` });
  }
  return hits;
}

const describe: Record<string, string> = {
  dependencies: 'changes a dependency manifest',
  deployment: 'changes deployment or CI files',
  schema: 'changes a database schema or migration',
  publicApi: 'changes a public API',
  config: 'changes Baton\'s team config, which steers later workflows once merged',
};
