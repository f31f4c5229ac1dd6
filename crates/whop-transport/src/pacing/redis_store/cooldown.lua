-- Records "this credential is cooling down until now + ARGV[1] microseconds" (Redis TIME), unless
-- a later end is already recorded. The key expires a second after the cooldown ends.
--
-- KEYS[1] cool: the cooldown's end (microseconds); ARGV[1] the cooldown (microseconds).
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local wait = tonumber(ARGV[1])
local until_us = now + wait
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current < until_us then
  redis.call('SET', KEYS[1], until_us, 'PX', math.ceil(wait / 1000) + 1000)
end
return until_us
