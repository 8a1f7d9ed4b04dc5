import type { DeliveryRecord, DeliveryState } from './deliveries.js';

/** A record as stored: one short-keyed JSON value per subscriber in the edition's hash. */
export type Wire = {
  s: DeliveryState;
  a: number;
  e?: string;
  m?: string;
  r?: string;
  q: string;
  t: string;
  d?: string;
  n?: number;
  j?: string;
};

export const toRecord = (w: Wire): DeliveryRecord => ({
  state: w.s,
  attempts: w.a,
  ...(w.e ? { lastError: w.e } : {}),
  ...(w.m ? { messageId: w.m } : {}),
  ...(w.r ? { response: w.r } : {}),
  queuedAt: w.q,
  updatedAt: w.t,
  ...(w.d ? { sentAt: w.d } : {}),
  ...(w.n ? { resends: w.n } : {}),
  ...(w.j ? { owner: w.j } : {}),
});

/*
 * A compare-and-set on one record, and the per-state sets kept exact with it, in one script so
 * that no crash between two writes can leave them apart.
 * KEYS: the record hash, then one set per state in DELIVERY_STATES order.
 * ARGV: subscriber id, allowed from-states (comma list; "none" = no record yet), to-state, now,
 *       patch (JSON: e = last error, m = message id, r = response, a = 1 to count an attempt,
 *       n = 1 to count a resend, d = 1 to stamp sentAt, j = owner job id, b = refuse unless the
 *       record was last queued before this ISO time).
 * Returns the previous state ("none" when there was no record), or false when refused.
 */
export const TRANSITION = `
local id, allowed, to, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local patch = cjson.decode(ARGV[5])
local raw = redis.call('HGET', KEYS[1], id)
local rec, from
if raw then rec = cjson.decode(raw); from = rec.s else rec = { a = 0, q = now }; from = 'none' end
if not string.find(',' .. allowed .. ',', ',' .. from .. ',', 1, true) then return false end
if patch.b and rec.q and rec.q >= patch.b then return false end
local states = { 'queued', 'sending', 'sent', 'failed', 'bounced', 'uncertain' }
for i, s in ipairs(states) do
  if s == from then redis.call('SREM', KEYS[i + 1], id) end
  if s == to then redis.call('SADD', KEYS[i + 1], id) end
end
rec.s = to
rec.t = now
if to == 'queued' and from ~= 'none' then rec.q = now end
if patch.a == 1 then rec.a = (rec.a or 0) + 1 end
if patch.n == 1 then rec.n = (rec.n or 0) + 1 end
if patch.d == 1 then rec.d = now end
if patch.e then rec.e = patch.e end
if patch.m then rec.m = patch.m end
if patch.r then rec.r = patch.r end
if patch.j then rec.j = patch.j end
redis.call('HSET', KEYS[1], id, cjson.encode(rec))
return from
`;
