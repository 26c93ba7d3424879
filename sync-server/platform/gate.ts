/**
 * A counting gate for work that holds a database connection: at most `slots` at once, the rest wait
 * in memory (not on a connection) for a bounded time. Uploads go through one, so however many
 * workstations re-send during a long lock, reads, health checks and sign-ins keep connections.
 */
export class Gate {
  private free: number;
  private readonly queue: (() => void)[] = [];

  constructor(readonly slots: number) {
    this.free = slots;
  }

  /**
   * Resolves to a `leave` function once inside, or null when no slot freed within `waitMs` or the
   * caller gave up (`signal`): the caller answers "busy" instead of queueing without end.
   */
  enter(waitMs: number, signal?: AbortSignal): Promise<(() => void) | null> {
    const leave = once(() => this.release());
    if (this.free > 0) {
      this.free--;
      return Promise.resolve(leave);
    }
    if (signal?.aborted) return Promise.resolve(null);
    return new Promise((resolve) => {
      const admit = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', giveUp);
        resolve(leave);
      };
      const giveUp = () => {
        clearTimeout(timer);
        const i = this.queue.indexOf(admit);
        if (i >= 0) this.queue.splice(i, 1);
        resolve(null);
      };
      const timer = setTimeout(giveUp, waitMs);
      signal?.addEventListener('abort', giveUp, { once: true });
      this.queue.push(admit);
    });
  }

  private release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.free++;
  }
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
