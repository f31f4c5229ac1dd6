-- Releases a lock only while it still holds the caller's token (KEYS[1]: the lock's name,
-- ARGV[1]: the token): a holder whose time ran out never deletes the lock someone took since.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
