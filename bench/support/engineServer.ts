// The fake model for the engine benchmark, in its own thread. A real endpoint is another machine:
// run in the engine's thread, the fake server's own work (parsing every request, which carries the
// whole conversation and the tool definitions) would queue behind the engine's, and the engine's
// behind it, on the one event loop. In a worker it has its own loop; it only shares the CPU.
// The worker stamps when each request arrived and when its reply was sent.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { ChatRequest, Reply } from '../../test/support/fakeOpenAI';
import { startFakeOpenAI } from '../../test/support/fakeOpenAI';
import { conversation } from '../../test/support/engineHarness';
import { benchReplies } from './engineScenario';
import type { Scenario } from './engineScenario';

export interface Call {
  /** Epoch ms: request received (whole ms, as the fake server records it) and reply sent. */
  arrive: number;
  reply: number;
  kind: 'analyze' | 'route' | 'reflect' | 'agent';
  taskId?: string;
}

export interface ServerThread {
  baseUrl: string;
  /** Every chat request answered so far, by arrival. */
  calls(): Promise<Call[]>;
  close(): Promise<void>;
}

const now = (): number => performance.timeOrigin + performance.now();

export async function startServerThread(scenario: Scenario): Promise<ServerThread> {
  // Workers inherit the parent's execArgv, so --import tsx loads this .ts file there too.
  const worker = new Worker(import.meta.filename, { workerData: { engineBenchServer: scenario } });
  const next = <T>(): Promise<T> => new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const { baseUrl } = await next<{ baseUrl: string }>();
  return {
    baseUrl,
    calls: async () => {
      const answer = next<Call[]>();
      worker.postMessage('calls');
      return answer;
    },
    close: async () => {
      await worker.terminate();
    },
  };
}

async function serve(scenario: Scenario): Promise<void> {
  const answered = new WeakMap<ChatRequest, { reply: number; kind: Call['kind']; taskId?: string }>();
  const replies = benchReplies(scenario);
  const stamped = (req: ChatRequest): Reply => {
    const c = conversation(req);
    const kind = c.system.startsWith('Baton analyze') ? 'analyze' : c.system.startsWith('Baton route') ? 'route' : c.system.startsWith('Baton reflect') ? 'reflect' : 'agent';
    answered.set(req, { reply: now(), kind, taskId: /^Your task (\S+):/m.exec(c.user)?.[1] });
    return replies(req);
  };
  const server = await startFakeOpenAI({ latencyMs: scenario.latencyMs, fallback: stamped });
  parentPort!.on('message', () => {
    const calls = server.chatRequests.flatMap((r) => {
      const a = answered.get(r.body);
      return a ? [{ arrive: r.receivedAt.getTime(), ...a }] : [];
    }).sort((a, b) => a.arrive - b.arrive);
    parentPort!.postMessage(calls);
  });
  parentPort!.postMessage({ baseUrl: server.baseUrl });
}

const job = (workerData as { engineBenchServer?: Scenario } | null)?.engineBenchServer;
if (!isMainThread && job) void serve(job);
