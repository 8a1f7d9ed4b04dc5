import type { DeliveryState, DeliveryStore, TransitionStep } from '../../stores/deliveries.js';

/**
 * One lane's record writes. A `sent` mark is not a round trip of its own: it rides with the lane's
 * next write (usually the next recipient's `sending` claim) in one pipeline, or is flushed when
 * the lane ends. Between the 250 and that write the lane does no I/O, so the mark reaches Redis
 * as soon as it did when it was awaited alone; the claim still precedes its message's hand-over.
 */
export class Lane {
  private pending: TransitionStep[] = [];
  /** A deferred mark that Redis refused: its record is still `sending`. */
  error: Error | undefined;

  constructor(private readonly deliveries: DeliveryStore) {}

  defer(step: TransitionStep): void {
    this.pending.push(step);
  }

  async transition(step: TransitionStep): Promise<DeliveryState | 'none' | undefined> {
    if (this.pending.length === 0) {
      return this.deliveries.transition(
        step.edition,
        step.subscriber,
        step.from,
        step.to,
        step.patch,
      );
    }
    const steps = [...this.pending, step];
    this.pending = [];
    const outcomes = await this.deliveries.transitionMany(steps);
    const last = outcomes.pop()!;
    for (const o of outcomes) if (o.error) this.error ??= o.error;
    if (last.error) throw last.error;
    return last.state;
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const steps = this.pending;
    this.pending = [];
    for (const o of await this.deliveries.transitionMany(steps))
      if (o.error) this.error ??= o.error;
  }
}
