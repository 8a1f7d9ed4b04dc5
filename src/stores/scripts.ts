import { readFileSync } from 'node:fs';
import type { ChainableCommander } from 'ioredis';
import type { Redis } from '../runtime/redis.js';

/**
 * Every Redis script of ours is a `.lua` file in `scripts/`, whose header says what it takes
 * (KEYS, ARGV) and what it returns, and every one is loaded here, one way: ioredis's
 * `defineCommand`, which sends EVALSHA and falls back to EVAL once when Redis has lost the script
 * (a restart, a failover), for single calls and pipelines alike.
 */
export type ScriptName =
  | 'claim-edition'
  | 'pace-domain'
  | 'purge-pending-subscriber'
  | 'remove-subscriber'
  | 'set-subscriber-field'
  | 'set-subscriber-status'
  | 'soft-bounce'
  | 'transition-delivery'
  | 'upsert-subscribers';

export interface Script {
  run(keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
  /** The same call queued on a pipeline made from the same connection. */
  queue(
    pipeline: ChainableCommander,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): void;
}

const sources = new Map<ScriptName, string>();

const read = (path: string) =>
  readFileSync(new URL(`./scripts/${path}.lua`, import.meta.url), 'utf8');

/**
 * Read once per process; the build copies `scripts/` beside the compiled module. A line
 * `--- @include "name"` stands for `scripts/includes/name.lua` (Lua scripts sent to Redis cannot
 * require one another; BullMQ's scripts share code the same way).
 */
function source(name: ScriptName): string {
  let lua = sources.get(name);
  if (lua === undefined) {
    lua = read(name).replace(/^--- @include "([a-z-]+)"$/gm, (_, include: string) =>
      read(`includes/${include}`),
    );
    sources.set(name, lua);
  }
  return lua;
}

type Callable = Record<string, (...args: (string | number)[]) => unknown>;

/** The script on this connection: defined once per connection, whatever asks for it. */
export function loadScript(redis: Redis, name: ScriptName): Script {
  const command = `gazette:${name}`;
  // No numberOfKeys: each call says how many keys it passes, so key lists may vary in length.
  if (!(command in redis)) redis.defineCommand(command, { lua: source(name) });
  const call = (target: object, keys: readonly string[], args: readonly (string | number)[]) =>
    (target as Callable)[command]!(keys.length, ...keys, ...args);
  return {
    run: (keys, args) => call(redis, keys, args) as Promise<unknown>,
    queue: (pipeline, keys, args) => void call(pipeline, keys, args),
  };
}
