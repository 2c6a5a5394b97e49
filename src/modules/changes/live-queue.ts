import { AppError } from '../../common/errors/app-error';
import { encodeKey, ChangeEvent } from './change-stream.query';

/** Events one subscriber may have waiting before it is cut off (it resumes from its cursor instead). */
export const MAX_PENDING = 10_000;

/**
 * One live subscriber's events: filtered before they are queued (a subscriber to one lead holds nothing of the
 * others), bounded (a subscriber that falls MAX_PENDING behind ends with an error naming the cursor to resume from,
 * instead of the server holding an unbounded backlog), and an async iterator for graphql-ws.
 */
export class LiveQueue implements AsyncIterableIterator<ChangeEvent> {
  private readonly items: ChangeEvent[] = [];
  private waiting: ((r: IteratorResult<ChangeEvent>) => void) | null = null;
  private failure: Error | null = null;
  private done = false;
  private lastDelivered: ChangeEvent | null = null;

  constructor(
    readonly wants: (e: ChangeEvent) => boolean,
    private readonly onClose: () => void,
  ) {}

  push(e: ChangeEvent): void {
    if (this.done || this.failure || !this.wants(e)) return;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      this.lastDelivered = e;
      w({ value: e, done: false });
      return;
    }
    if (this.items.length >= MAX_PENDING) {
      const resumeFrom = this.lastDelivered ? encodeKey(this.lastDelivered.key) : null;
      this.failure = new AppError(
        'BAD_USER_INPUT',
        `This subscriber fell ${MAX_PENDING} events behind; subscribe again with after: the last cursor it received`,
        { details: { reason: 'SUBSCRIBER_TOO_SLOW', resumeFrom } },
      );
      this.items.length = 0;
      this.onClose();
      return;
    }
    this.items.push(e);
  }

  next(): Promise<IteratorResult<ChangeEvent>> {
    const e = this.items.shift();
    if (e) {
      this.lastDelivered = e;
      return Promise.resolve({ value: e, done: false });
    }
    if (this.failure) return Promise.reject(this.failure);
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<ChangeEvent>> {
    if (!this.done) {
      this.done = true;
      this.items.length = 0;
      this.onClose();
      this.waiting?.({ value: undefined, done: true });
      this.waiting = null;
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ChangeEvent> {
    return this;
  }
}
