import type { DomainPace, PacingStore } from '../../stores/pacing.js';

export interface PacerSettings {
  /** First pause of a domain after a 421/451; doubled with each strike up to `throttleMaxMs`. */
  throttleMs: number;
  throttleMaxMs: number;
  /** Messages a second per receiving domain (DOMAIN_RATES). */
  domainRates: Readonly<Record<string, number>>;
}

/**
 * Go now, or come back at `at`: the end of the domain's pause, or (`booked`) the slot of its
 * rate that was booked for this message, so it must not take another when it comes back.
 */
export type Admission = { go: true } | { go: false; at: number; booked: boolean };

/**
 * How late a booked follow-up may run and still use its slots. Booked slots are grouped by
 * `BOOKED_GROUP_MS` (deliver.ts), so every copy goes within 0.4 s of a slot of its own: at most
 * 1.4 seconds' worth of the rate in any second, even when a busy queue starts follow-ups late
 * and together. Later than that, its recipients book new slots (the rate is then not reached).
 */
const BOOKED_GRACE_MS = 300;

/** Domains remembered per process; past this many, forgotten (the next batch reads them again). */
const MAX_KNOWN = 10_000;

/**
 * Pacing per receiving domain, for every deliver job of one process. The state is in Redis
 * (stores/pacing.ts), so a 421 seen by one process pauses the domain for all of them; this
 * process keeps what it last read, refreshed once per batch (one round trip for all of the
 * batch's domains) and at once by its own refusals, so an unpaused domain without a configured
 * rate costs no round trip a message. A domain with a rate books each slot in Redis.
 */
export class Pacer {
  private readonly known = new Map<string, DomainPace>();

  constructor(
    private readonly store: PacingStore,
    private readonly settings: PacerSettings,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The receiving domain of an address, as DOMAIN_RATES names it. */
  static domainOf(email: string): string {
    return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  }

  /** Reads the pauses of a batch's domains before it starts. */
  async prepare(domains: Iterable<string>): Promise<void> {
    const list = [...new Set(domains)];
    const paces = await this.store.peek(list, this.clock());
    list.forEach((d, i) => this.remember(d, paces[i]!));
  }

  /**
   * Whether a message to `domain` may go now. `bookedUntil`: it already holds a slot of the
   * domain's rate, among slots that end then; used only if this is not much later.
   */
  async admit(domain: string, bookedUntil?: number): Promise<Admission> {
    const now = this.clock();
    const known = this.known.get(domain);
    if (known && known.until > now) return { go: false, at: known.until, booked: false };
    const rate = this.settings.domainRates[domain];
    if (!rate) return { go: true };
    if (bookedUntil !== undefined && now - bookedUntil <= BOOKED_GRACE_MS) return { go: true };
    const interval = 1000 / rate;
    // A burst of a tenth of a second's worth: lanes that ask at once need not queue for 1 ms.
    const tolerance = (Math.max(1, Math.floor(rate / 10)) - 1) * interval;
    const r = await this.store.take(domain, now, interval, tolerance);
    this.remember(domain, r);
    if (r.slot === undefined) return { go: false, at: r.until, booked: false };
    if (r.slot <= now) return { go: true };
    return { go: false, at: r.slot, booked: true };
  }

  /** A 421/451 from `domain`: it pauses for every process; when its recipient may come back. */
  async throttled(domain: string): Promise<number> {
    const { throttleMs, throttleMaxMs } = this.settings;
    const pace = await this.store.throttle(domain, this.clock(), throttleMs, throttleMaxMs);
    this.remember(domain, pace);
    return pace.until;
  }

  /** A 250 from `domain`: after strikes, its next pause starts short again (a write only then). */
  async succeeded(domain: string): Promise<void> {
    if ((this.known.get(domain)?.strikes ?? 0) === 0) return;
    this.remember(domain, await this.store.succeeded(domain, this.clock()));
  }

  private remember(domain: string, pace: DomainPace): void {
    if (this.known.size >= MAX_KNOWN && !this.known.has(domain)) this.known.clear();
    this.known.set(domain, { until: pace.until, strikes: pace.strikes });
  }
}
