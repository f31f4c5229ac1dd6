-- Reserves the next slot of one sliding window, atomically: the same rule as whop-transport's
-- in-memory store (pacing/schedule.rs), on the Redis server's clock.
--
-- KEYS[1] slots: sorted set, member = ticket, score = slot time (microseconds, Redis TIME)
-- KEYS[2] seq:   the last ticket handed out (INCR)
-- KEYS[3] cool:  "cooling down until" (microseconds), set by cooldown.lua
-- ARGV[1] N, requests per window; ARGV[2] the window with its margin (microseconds);
-- ARGV[3] the time left before the call's deadline (microseconds), or -1 for none.
--
-- The rule: the new slot is one window after the N-th most recent slot (sent or reserved), or
-- now if that is later, and never before the end of a cooldown. A slot after now at or past the
-- deadline is refused and nothing is reserved. Returns {1, wait, ticket} or {0, wait, 0}, the
-- wait in microseconds from now.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local n = tonumber(ARGV[1])
local spacing = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])

-- Slots a window old can no longer share a window with a new one.
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - spacing)

local at = now
if redis.call('ZCARD', KEYS[1]) >= n then
  local nth = redis.call('ZRANGE', KEYS[1], -n, -n, 'WITHSCORES')
  at = math.max(at, tonumber(nth[2]) + spacing)
end
local cool = tonumber(redis.call('GET', KEYS[3]) or '0')
at = math.max(at, cool)

local wait = at - now
if wait > 0 and max_wait >= 0 and wait >= max_wait then
  return {0, wait, 0}
end

local ticket = redis.call('INCR', KEYS[2])
redis.call('ZADD', KEYS[1], at, ticket)
-- Both keys live until the last slot is a window old (and a second more), then expire.
local ttl = math.ceil((wait + spacing) / 1000) + 1000
for i = 1, 2 do
  if redis.call('PTTL', KEYS[i]) < ttl then
    redis.call('PEXPIRE', KEYS[i], ttl)
  end
end
return {1, wait, ticket}
