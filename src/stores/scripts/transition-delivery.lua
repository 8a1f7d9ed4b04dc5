--[[
  A compare-and-set on one delivery record, and the per-state sets kept exact with it, in one
  script so that no crash between two writes can leave them apart.

  Input:
    KEYS[1]       the edition's record hash (subscriber id -> short-keyed JSON record)
    KEYS[2..n+1]  one set of subscriber ids per state, in the order of ARGV[6]
    ARGV[1]       subscriber id
    ARGV[2]       allowed from-states, comma list ("none": no record yet)
    ARGV[3]       to-state
    ARGV[4]       now (ISO 8601)
    ARGV[5]       patch, JSON: e = last error, m = message id, r = response, a = 1 to count an
                  attempt, n = 1 to count a resend, d = 1 to stamp sentAt, j = owner job id,
                  b = refuse unless the record was last queued before this ISO time
    ARGV[6]       every state, comma list, in the order of KEYS[2..]

  Output:
    the state the record left ("none" when there was none), or false when refused
]]
local id, allowed, to, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local patch = cjson.decode(ARGV[5])
local raw = redis.call('HGET', KEYS[1], id)
local rec, from
if raw then rec = cjson.decode(raw); from = rec.s else rec = { a = 0, q = now }; from = 'none' end
if not string.find(',' .. allowed .. ',', ',' .. from .. ',', 1, true) then return false end
if patch.b and rec.q and rec.q >= patch.b then return false end
local i = 1
for s in string.gmatch(ARGV[6], '[^,]+') do
  i = i + 1
  if s == from then redis.call('SREM', KEYS[i], id) end
  if s == to then redis.call('SADD', KEYS[i], id) end
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
