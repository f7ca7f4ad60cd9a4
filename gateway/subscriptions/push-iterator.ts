/** An async iterator fed by `push`: how one client's subscription receives shared events. */
export interface PushIterator<T> extends AsyncIterableIterator<T> {
  push(value: T): void;
  /** Ends the iteration after what was pushed is consumed. */
  end(): void;
  /** Values pushed and not yet consumed. */
  readonly pending: number;
}

/** `onClose` runs once, when the consumer stops (return) or the iteration ends. */
export function createPushIterator<T>(onClose: () => void): PushIterator<T> {
  const queue: T[] = [];
  let waiting: ((result: IteratorResult<T>) => void) | undefined;
  let ended = false;
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    onClose();
  };
  const iterator: PushIterator<T> = {
    get pending() {
      return queue.length;
    },
    push(value) {
      if (ended) return;
      if (waiting) {
        const resolve = waiting;
        waiting = undefined;
        resolve({ done: false, value });
      } else queue.push(value);
    },
    end() {
      ended = true;
      close();
      if (waiting && queue.length === 0) {
        const resolve = waiting;
        waiting = undefined;
        resolve({ done: true, value: undefined });
      }
    },
    next() {
      if (queue.length > 0) return Promise.resolve({ done: false, value: queue.shift() as T });
      if (ended) return Promise.resolve({ done: true, value: undefined });
      return new Promise((resolve) => (waiting = resolve));
    },
    return() {
      ended = true;
      queue.length = 0;
      close();
      waiting?.({ done: true, value: undefined });
      waiting = undefined;
      return Promise.resolve({ done: true, value: undefined });
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return iterator;
}
