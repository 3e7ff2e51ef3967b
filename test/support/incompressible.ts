import { createHash } from 'node:crypto';

/** `bytes` of incompressible text, the same for the same `seed`: no store looks better than it is by compressing. */
export function incompressible(seed: string, bytes: number): string {
  let text = '';
  let block = createHash('sha256').update(seed).digest();
  while (text.length < bytes) {
    text += block.toString('base64url');
    block = createHash('sha256').update(block).digest();
  }
  return text.slice(0, bytes);
}
