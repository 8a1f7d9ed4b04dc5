/** A counting semaphore: at most `size` holders at once, the others served in arrival order. */
export interface Slots {
  /** A release function at once when a slot is free, else undefined. */
  tryAcquire(): (() => void) | undefined;
  acquire(): Promise<() => void>;
}

export function createSlots(size: number): Slots {
  let free = Math.max(1, size);
  const waiting: ((release: () => void) => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next(once());
    else free++;
  };
  const once = () => {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      release();
    };
  };
  return {
    tryAcquire() {
      if (free === 0) return undefined;
      free--;
      return once();
    },
    acquire() {
      const now = this.tryAcquire();
      return now ? Promise.resolve(now) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}
