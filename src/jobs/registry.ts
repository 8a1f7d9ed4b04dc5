import type { QueuePayloads, QueueName } from './queues.js';
import { deliverJob } from './deliver.js';
import { editionJob } from './edition.js';
import { fanoutJob } from './fanout.js';
import type { JobDefinition } from './types.js';

/** Every queue has exactly one job definition: a missing or misspelt one fails to compile. */
export const registry: { readonly [K in QueueName]: JobDefinition<QueuePayloads[K]> } = {
  edition: editionJob,
  fanout: fanoutJob,
  deliver: deliverJob,
};

export type { JobDeps, JobDefinition } from './types.js';
