import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { proxySocketInside } from './bwrapArgs';

// A sandboxed command has a network namespace of its own with nothing but loopback. To reach the hosts the team named,
// it talks HTTP to a proxy (HTTP_PROXY, HTTPS_PROXY): socat inside forwards 127.0.0.1:3128 to a Unix socket bound in
// from here, where this proxy lets through CONNECT and plain requests to those hosts only. Names are resolved here,
// outside, so the sandbox needs no DNS either.

const insidePort = 3128;
// The listening socket socat makes, as /proc/net/tcp shows it: local address 127.0.0.1:3128, state LISTEN (0A).
const listening = `0100007F:${insidePort.toString(16).toUpperCase().padStart(4, '0')} 0A`;

export interface Proxy {
  /** The host side of the socket. */
  readonly socket: string;
  readonly env: Readonly<Record<string, string>>;
  /** The command inside, behind socat: the proxy's port is listening before the command starts. */
  argv(socat: string, command: string): string[];
  close(): void;
}

/** `host` is one of `allowed`: an exact name, or under a `*.example.com` entry. */
export function hostAllowed(host: string, allowed: readonly string[]): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return allowed.some((entry) => {
    const e = entry.toLowerCase();
    return e.startsWith('*.') ? name.endsWith(e.slice(1)) : name === e;
  });
}

export async function openProxy(allowed: readonly string[]): Promise<Proxy> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-proxy-'));
  const socket = join(dir, 'proxy.sock');
  const open = new Set<Socket>();
  const server = createServer((client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    serve(client, allowed, open);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socket, resolve));
  const url = `http://127.0.0.1:${insidePort}`;
  return {
    socket,
    env: { HTTP_PROXY: url, HTTPS_PROXY: url, http_proxy: url, https_proxy: url, NODE_USE_ENV_PROXY: '1' },
    argv: (socat, command) => [
      '/bin/sh', '-c',
      // Shell builtins only while waiting: no process started per look at /proc/net/tcp.
      `"$1" TCP-LISTEN:${insidePort},bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:${proxySocketInside} & bridge=$!
ready() { while read -r _ local _ state _; do [ "$local $state" = '${listening}' ] && return 0; done < /proc/net/tcp; return 1; }
until ready; do kill -0 "$bridge" 2>/dev/null || { echo 'baton: the network bridge (socat) did not start' >&2; exit 125; }; done
exec /bin/sh -c "$2"`,
      'sh', socat, command,
    ],
    close: () => {
      for (const s of open) s.destroy();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One proxied connection: `CONNECT host:port`, or a request with an absolute URL (`GET http://host/...`). */
function serve(client: Socket, allowed: readonly string[], open: Set<Socket>): void {
  let head = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) {
      if (head.length > 16_384) refuse(client, 431, 'request head too large');
      return;
    }
    client.off('data', onData);
    const line = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
    const target = /^CONNECT ([^\s:]+|\[[^\]]+\]):(\d+) HTTP\/1\.[01]$/.exec(line) ?? /^[A-Z]+ http:\/\/([^\s/:]+|\[[^\]]+\])(?::(\d+))?[/\s]/.exec(line);
    if (!target) return refuse(client, 400, 'this proxy takes CONNECT host:port or a request with an http:// URL');
    const host = target[1]!.replace(/^\[|\]$/g, '');
    if (!hostAllowed(host, allowed)) return refuse(client, 403, `${host} is not one of the hosts commands may reach (sandbox.network: ${allowed.join(', ')})`);
    const upstream = createConnection({ host, port: Number(target[2] ?? 80) });
    open.add(upstream);
    let connected = false;
    upstream.once('close', () => {
      open.delete(upstream);
      if (connected) client.destroy();
    });
    client.once('close', () => upstream.destroy());
    upstream.once('error', (e) => (connected ? client.destroy() : refuse(client, 502, `${host}: ${e.message}`)));
    upstream.once('connect', () => {
      connected = true;
      if (line.startsWith('CONNECT ')) client.write('HTTP/1.1 200 Connection established\r\n\r\n');
      else upstream.write(head.subarray(0, end + 4));
      const rest = head.subarray(end + 4);
      if (rest.length) upstream.write(rest);
      client.pipe(upstream).pipe(client);
    });
  };
  client.on('data', onData);
}

function refuse(client: Socket, status: number, why: string): void {
  const body = `baton sandbox: ${why}\n`;
  client.end(`HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : 'Refused'}\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}
