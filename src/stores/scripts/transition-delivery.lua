--[[
  A compare-and-set on one delivery record, and the per-state sets and the edition's summary kept
  exact with it, in one script so that no crash between two writes can leave them apart.

  Input:
    KEYS[1]       the edition's record hash (subscriber id -> short-keyed JSON record)
    KEYS[2..n+1]  one set of subscriber ids per state, in the order of ARGV[6]; only the states
                  in ARGV[8] gain members (the others' sets are what older versions wrote)
    KEYS[n+2]     the edition's summary hash (count per state, first and last `sent`), which
                  never expires: it is what is left of the edition once its records have
    ARGV[1]       subscriber id
    ARGV[2]       allowed from-states, comma list ("none": no record yet)
    ARGV[3]       to-state
    ARGV[4]       now (ms since the epoch)
    ARGV[5]       patch, JSON: e = last error, m = message id, r = response, a = 1 to count an
                  attempt, n = 1 to count a resend, d = 1 to stamp sentAt, j = owner job id,
                  b = refuse unless the record was last queued before this time (ms), bi = the
                  same as ISO 8601, for records written before times were numbers
    ARGV[6]       every state, comma list, in the order of KEYS[2..]
    ARGV[7]       ms the record hash and the state sets live after this write (0: for ever)
    ARGV[8]       the states whose ids are kept in a set, comma list (the rest, `queued` and
                  `sent`, are most of an edition: they are counted in the summary and found by
                  scanning the record hash, which saves a set entry a record)

  Output:
    the state the record left ("none" when there was none), or false when refused
]]
local id, allowed, to, now = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local patch = cjson.decode(ARGV[5])
local ttl = tonumber(ARGV[7])
local summary = KEYS[#KEYS]
local indexed = ',' .. ARGV[8] .. ','
local raw = redis.call('HGET', KEYS[1], id)
local rec, from
if raw then rec = cjson.decode(raw); from = rec.s else rec = { a = 0, q = now }; from = 'none' end
if not string.find(',' .. allowed .. ',', ',' .. from .. ',', 1, true) then return false end
if patch.b and rec.q then
  -- an old record's time is an ISO string: compared with the ISO form, which sorts the same
  local before = type(rec.q) == 'string' and patch.bi or patch.b
  if rec.q >= before then return false end
end
-- The first write since the summary existed: count what the sets already hold (an edition sent
-- by an older version), so that the summary agrees with the sets from here on.
local fresh = redis.call('EXISTS', summary) == 0
local i = 1
for s in string.gmatch(ARGV[6], '[^,]+') do
  i = i + 1
  if fresh then redis.call('HSET', summary, s, redis.call('SCARD', KEYS[i])) end
  if s == from then
    redis.call('SREM', KEYS[i], id)
    redis.call('HINCRBY', summary, s, -1)
  end
  if s == to then
    if string.find(indexed, ',' .. s .. ',', 1, true) then redis.call('SADD', KEYS[i], id) end
    redis.call('HINCRBY', summary, s, 1)
  end
  -- Every key of the records, on every write: they all expire together, ttl after the last one.
  if ttl > 0 then redis.call('PEXPIRE', KEYS[i], ttl) end
end
-- A `sent` record's sentAt is its updatedAt (d is left out): written down when it leaves `sent`.
if from == 'sent' and rec.d == nil then rec.d = rec.t end
rec.s = to
rec.t = now
if to == 'queued' and from ~= 'none' then rec.q = now end
if patch.a == 1 then rec.a = (rec.a or 0) + 1 end
if patch.n == 1 then rec.n = (rec.n or 0) + 1 end
if patch.d == 1 then
  if to == 'sent' then rec.d = nil else rec.d = now end
  redis.call('HSETNX', summary, 'firstSent', now)
  redis.call('HSET', summary, 'lastSent', now)
end
if patch.e then rec.e = patch.e end
if patch.m then rec.m = patch.m end
if patch.r then rec.r = patch.r end
-- The owner matters only while `sending` (a re-run of the same job knows its own claim).
if to == 'sending' then rec.j = patch.j or rec.j else rec.j = nil end
redis.call('HSET', KEYS[1], id, cjson.encode(rec))
if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
return from
