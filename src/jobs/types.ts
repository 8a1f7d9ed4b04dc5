import type { Job } from 'bullmq';
import type { z } from 'zod';
import type { Config } from '../runtime/config.js';
import type { Slots } from './deliver/semaphore.js';
import type { Pacer } from './deliver/pacer.js';
import type { Logger } from '../runtime/log.js';
import type { MailTransport } from '../runtime/smtp/transport.js';
import type { Queues } from './queues.js';
import type { ArticleStore } from '../stores/articles.js';
import type { DeliveryStore } from '../stores/deliveries.js';
import type { EditionStore } from '../stores/editions.js';
import type { SuppressionStore } from '../stores/suppressions.js';
import type { SubscriberStore } from '../stores/subscribers/index.js';
import type { EditionMessages } from './deliver/messages.js';

/** Everything a processor may use; passed in, never imported as a singleton. */
export interface JobDeps {
  config: Config;
  log: Logger;
  queues: Queues;
  articles: ArticleStore;
  editions: EditionStore;
  deliveries: DeliveryStore;
  subscribers: SubscriberStore;
  /** Checked before every send; a hard bounce in the session adds to it. */
  suppressions: SuppressionStore;
  transport: MailTransport;
  /** The prepared message of an edition (compiled once per process and edition). */
  messages(editionId: string): Promise<EditionMessages>;
  now(): Date;
  /** One per pooled SMTP connection, shared by every deliver job in the process. */
  sendSlots: Slots;
  /** Pacing per receiving domain (421/451 pauses, DOMAIN_RATES), shared by the process's jobs. */
  pacer: Pacer;
  /** Optional metrics hook: one transport send, its duration and outcome (sent, bounced, …). */
  observeSend?(seconds: number, outcome: string): void;
}

/** What a processor may ask of the worker that runs it (throttling on 421/451). */
interface WorkerControl {
  rateLimit(ms: number): Promise<void>;
}

type Processor<D, R> = (job: Job<D>, worker: WorkerControl) => Promise<R>;

/** One queue's job: its payload schema and the processor built from the dependencies. */
export interface JobDefinition<D, R = unknown> {
  schema: z.ZodType<D>;
  /** Concurrency of this queue's worker in one process. */
  concurrency(config: Config): number;
  /** How many times a job may lose its worker (a crash) before BullMQ fails it; default 3. */
  maxStalledCount?: number;
  create(deps: JobDeps): Processor<D, R>;
  /** Runs when the job has failed for the last time (attempts exhausted or unrecoverable). */
  onFinalFailure?(deps: JobDeps, job: Job<D>, err: Error): Promise<void>;
}
