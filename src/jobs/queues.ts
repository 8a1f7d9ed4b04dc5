import { Queue, type DefaultJobOptions } from 'bullmq';
import type { DeliverJob, EditionJob, FanoutJob } from './payloads.js';
import type { Redis } from '../runtime/redis.js';
import { queuePrefix } from '../stores/keys.js';

/** Each arrow of the data flow is one queue; the payload of each is validated again in its worker. */
export interface QueuePayloads {
  edition: EditionJob;
  fanout: FanoutJob;
  deliver: DeliverJob;
}
export type QueueName = keyof QueuePayloads;
export const QUEUE_NAMES: readonly QueueName[] = ['edition', 'fanout', 'deliver'];

export type Queues = { readonly [K in QueueName]: Queue<QueuePayloads[K], unknown, string> } & {
  close(): Promise<void>;
};

/**
 * Completed jobs are trimmed by count and age (≈1.1 KB of Redis each otherwise); failed ones are
 * kept longer, for an operator to read. The durable record of a delivery is ours, not the job's.
 */
const defaultJobOptions: DefaultJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { count: 1000, age: 24 * 3600 },
  removeOnFail: { count: 5000, age: 7 * 24 * 3600 },
};

/** The one place in the code that creates queues. */
export function createQueues(
  connection: Redis,
  prefix: string,
  onError: (err: Error, queue: QueueName) => void = () => {},
): Queues {
  const make = <K extends QueueName>(name: K) => {
    const queue = new Queue<QueuePayloads[K], unknown, string>(name, {
      connection,
      prefix: queuePrefix(prefix, { cluster: connection.isCluster }),
      defaultJobOptions,
    });
    // Without a listener, every connection error is printed raw to stderr by the emitter.
    queue.on('error', (err) => onError(err, name));
    return queue;
  };
  const queues = {
    edition: make('edition'),
    fanout: make('fanout'),
    deliver: make('deliver'),
  };
  return {
    ...queues,
    async close() {
      await Promise.all(Object.values(queues).map((q) => q.close()));
    },
  };
}
