import { BatonError } from '../errors';
import { gitOut } from './gitRunner';

/** What a snapshot (refs/baton/snapshots/<workflow>/<n>) recorded. */
export interface SnapshotRecord {
  workflowId: string;
  snapshot: number;
  reason: string;
  checkpointId: string | null;
  base: string;
  heads: Record<string, string>;
}

export async function listSnapshots(repoDir: string, workflowId: string): Promise<number[]> {
  const refs = await gitOut(['for-each-ref', '--format=%(refname)', `refs/baton/snapshots/${workflowId}/`], { cwd: repoDir });
  return refs.split('\n').filter(Boolean).map((r) => Number(r.split('/').pop())).filter(Number.isInteger).sort((a, b) => a - b);
}

export async function readSnapshot(repoDir: string, workflowId: string, n: number): Promise<SnapshotRecord> {
  const ref = `refs/baton/snapshots/${workflowId}/${n}`;
  let body: string;
  try {
    body = await gitOut(['log', '-1', '--format=%b', ref], { cwd: repoDir });
  } catch {
    const known = await listSnapshots(repoDir, workflowId);
    throw new BatonError(`Workflow ${workflowId} has no snapshot ${n}.`, known.length ? `Its snapshots: ${known.join(', ')}.` : 'It has none yet: snapshots are made before each wave.', 'usage');
  }
  return JSON.parse(body) as SnapshotRecord;
}
