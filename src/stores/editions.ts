import type { Redis } from '../runtime/redis.js';
import type { RenderedEdition } from '../domain/render/render.js';
import { createKeys } from './keys.js';
import { loadScript } from './scripts.js';

type EditionStatus = 'created' | 'rendered';

export interface StoredEdition {
  id: string;
  createdAt: string;
  articleIds: string[];
  status: EditionStatus;
  subject?: string;
  preheader?: string;
  /** How many times delivery was scheduled (first send and `send --edition`). */
  sends: number;
}

export function createEditionStore({ redis, prefix }: { redis: Redis; prefix: string }) {
  const keys = createKeys(prefix, { cluster: redis.isCluster });
  const claim = loadScript(redis, 'claim-edition');

  const decode = (h: Record<string, string>): StoredEdition | undefined =>
    h.id
      ? {
          id: h.id,
          createdAt: h.createdAt ?? '',
          articleIds: JSON.parse(h.articleIds ?? '[]') as string[],
          status: (h.status as EditionStatus) ?? 'created',
          subject: h.subject || undefined,
          preheader: h.preheader || undefined,
          sends: Number(h.sends ?? 0),
        }
      : undefined;

  return {
    /** An article the article job has processed, unless an edition already carries it. */
    async addCandidate(id: string, publishedAt: string): Promise<boolean> {
      if (await redis.sismember(keys.articlesInEdition, id)) return false;
      await redis.zadd(keys.articleCandidates, Date.parse(publishedAt), id);
      return true;
    },

    /** The candidates the next edition may take, newest first (as the claim script orders them). */
    async candidateIds(limit: number): Promise<string[]> {
      return redis.zrevrange(keys.articleCandidates, 0, limit - 1);
    },

    /**
     * A new edition of the newest candidates (top story first), named `baseId`, else `baseId-2`, …
     * Undefined when there is nothing new to send.
     */
    async createFromCandidates(
      baseId: string,
      limit: number,
      now: Date = new Date(),
    ): Promise<StoredEdition | undefined> {
      // Two sends at once claim disjoint articles; the second takes the next free name.
      for (let n = 1; n < 1000; n++) {
        const id = n === 1 ? baseId : `${baseId}-${n}`;
        const keyList = [
          keys.articleCandidates,
          keys.articlesInEdition,
          keys.edition(id),
          keys.editionsByDate,
        ];
        const args = [id, limit, now.toISOString(), now.getTime()];
        const ids = (await claim.run(keyList, args)) as string[] | null;
        if (ids === null) continue; // an edition of that name exists
        if (ids.length === 0) return undefined;
        return { id, createdAt: now.toISOString(), articleIds: ids, status: 'created', sends: 0 };
      }
      throw new Error(`too many editions named ${baseId}`);
    },

    async get(id: string): Promise<StoredEdition | undefined> {
      const fields = [
        'id',
        'createdAt',
        'articleIds',
        'status',
        'subject',
        'preheader',
        'sends',
      ] as const;
      const values = await redis.hmget(keys.edition(id), ...fields);
      return decode(
        Object.fromEntries(fields.flatMap((f, i) => (values[i] == null ? [] : [[f, values[i]]]))),
      );
    },

    /** The HTML and text compiled once for the edition, placeholders and all. */
    async getRendered(id: string): Promise<RenderedEdition | undefined> {
      const json = await redis.hget(keys.edition(id), 'rendered');
      return json ? (JSON.parse(json) as RenderedEdition) : undefined;
    },

    async saveRendered(id: string, rendered: RenderedEdition): Promise<void> {
      await redis.hset(keys.edition(id), {
        rendered: JSON.stringify(rendered),
        subject: rendered.subject,
        preheader: rendered.preheader,
        status: 'rendered',
      });
    },

    /** Counts one more scheduling of the edition's delivery; returns the new count. */
    async countSend(id: string): Promise<number> {
      return redis.hincrby(keys.edition(id), 'sends', 1);
    },

    /** Newest first. */
    async listIds(limit = 50): Promise<string[]> {
      return redis.zrevrange(keys.editionsByDate, 0, limit - 1);
    },
  };
}

export type EditionStore = ReturnType<typeof createEditionStore>;
