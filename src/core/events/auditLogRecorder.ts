import { AuditLog, auditLogPath } from './auditLog';
import type { Disposable, EventBus } from './eventBus';
import { isTerminalEvent } from './events';

/**
 * Writes every event on the bus to its workflow's audit log. A write that fails (disk full, permissions) throws
 * inside the listener, so it reaches the bus's onListenerError hook and the workflow itself goes on.
 */
export class AuditLogRecorder implements Disposable {
  private readonly logs = new Map<string, AuditLog>();
  private readonly subscription: Disposable;

  constructor(
    bus: EventBus,
    private readonly batonDir: string,
    private readonly knownSecrets: () => readonly string[] = () => [],
  ) {
    this.subscription = bus.on('*', (event) => {
      const log = this.logFor(event.workflowId);
      log.append(event);
      // Close at the end so a long-lived extension host does not hold one descriptor per workflow ever run;
      // a resumed workflow simply reopens its file.
      if (isTerminalEvent(event)) {
        log.close();
        this.logs.delete(event.workflowId);
      }
    });
  }

  dispose(): void {
    this.subscription.dispose();
    for (const log of this.logs.values()) log.close();
    this.logs.clear();
  }

  private logFor(workflowId: string): AuditLog {
    let log = this.logs.get(workflowId);
    if (!log) this.logs.set(workflowId, (log = new AuditLog(auditLogPath(this.batonDir, workflowId), this.knownSecrets)));
    return log;
  }
}
