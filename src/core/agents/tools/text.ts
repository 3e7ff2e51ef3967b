// Tool output goes into a model's context: it is cut by bytes (what the limits are in) at a character boundary.

/** The same heuristic as git: a NUL byte early in the file means binary. */
export function looksBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, 8000).includes(0);
}

/** The first `maxBytes` of UTF-8 `bytes` as text, never ending in half a character (even if `bytes` itself does). */
export function utf8Head(bytes: Buffer, maxBytes: number): string {
  let end = Math.min(bytes.length, maxBytes);
  let lead = end - 1;
  while (lead > 0 && ((bytes[lead] ?? 0) & 0xc0) === 0x80) lead--;
  if (lead >= 0 && lead + sequenceLength(bytes[lead] ?? 0) > end) end = lead;
  return bytes.subarray(0, end).toString('utf8');
}

function sequenceLength(leadByte: number): number {
  if (leadByte >= 0xf0) return 4;
  if (leadByte >= 0xe0) return 3;
  return leadByte >= 0xc0 ? 2 : 1;
}

/** The last `maxBytes` of UTF-8 `bytes` as text, never starting in half a character. */
export function utf8Tail(bytes: Buffer, maxBytes: number): string {
  if (bytes.length <= maxBytes) return bytes.toString('utf8');
  let start = bytes.length - maxBytes;
  while (start < bytes.length && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++;
  return bytes.subarray(start).toString('utf8');
}

/** `text` cut to `maxBytes`, with `note` appended when something was cut so the model knows it saw only part. */
export function capText(text: string, maxBytes: number, note: string): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  const head = utf8Head(bytes, maxBytes);
  const lastLine = head.lastIndexOf('\n');
  return `${lastLine > 0 ? head.slice(0, lastLine) : head}\n${note}`;
}

/** Keeps only the last `maxBytes` of a stream: the end of a build log is where the error is. */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private kept = 0;
  total = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.kept += chunk.length;
    this.total += chunk.length;
    for (let first = this.chunks[0]; first && this.kept - first.length >= this.maxBytes; first = this.chunks[0]) {
      this.chunks.shift();
      this.kept -= first.length;
    }
  }

  text(): string {
    return utf8Tail(Buffer.concat(this.chunks), this.maxBytes);
  }
}
