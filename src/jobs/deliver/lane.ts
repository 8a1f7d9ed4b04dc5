import type { DeliveryState, DeliveryStore, TransitionStep } from '../../stores/deliveries.js';

/**
 * One lane's record writes. A `sent` mark is not a round trip of its own: it rides with the lane's
 * next write (usually the next recipient's `sending` claim) in one pipeline, or is flushed when
 * the lane ends. Between the 250 and that write the lane does no I/O, so the mark reaches Redis
 * as soon as it did when it was awaited alone; the claim still precedes its message's hand-over.
 *
 * With `replicas`, a claim is followed in the same pipeline by `WAIT replicas timeoutMs`: the
 * claim and the marks before it are on that many replicas before the message is handed over,
 * so a failover cannot lose a claim whose message went out (reliability.md, Failover).
 */
export class Lane {
  private pending: TransitionStep[] = [];
  /** A deferred mark that Redis refused: its record is still `sending`. */
  error: Error | undefined;

  constructor(
    private readonly deliveries: DeliveryStore,
    private readonly durability: { replicas: number; timeoutMs: number } = {
      replicas: 0,
      timeoutMs: 0,
    },
  ) {}

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
    const steps = this.take(step);
    return this.settle(await this.deliveries.transitionMany(steps));
  }

  /**
   * A claim: `transition`, and whether enough replicas hold it. `replicated` is true when no
   * replica is asked for.
   */
  async claim(
    step: TransitionStep,
  ): Promise<{ state: DeliveryState | 'none' | undefined; replicated: boolean }> {
    const { replicas, timeoutMs } = this.durability;
    if (replicas === 0) return { state: await this.transition(step), replicated: true };
    const steps = this.take(step);
    const r = await this.deliveries.transitionManyReplicated(steps, { replicas, timeoutMs });
    return { state: this.settle(r.outcomes), replicated: r.replicas >= replicas };
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const steps = this.pending;
    this.pending = [];
    for (const o of await this.deliveries.transitionMany(steps))
      if (o.error) this.error ??= o.error;
  }

  private take(step: TransitionStep): TransitionStep[] {
    const steps = [...this.pending, step];
    this.pending = [];
    return steps;
  }

  private settle(
    outcomes: Awaited<ReturnType<DeliveryStore['transitionMany']>>,
  ): DeliveryState | 'none' | undefined {
    const last = outcomes.pop()!;
    for (const o of outcomes) if (o.error) this.error ??= o.error;
    if (last.error) throw last.error;
    return last.state;
  }
}
