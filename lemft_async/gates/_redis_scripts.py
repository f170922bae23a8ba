"""The Lua scripts behind ``RedisGate``: every state change of a gate key is one atomic script.

Keys of one gate key (all share one ``{hash tag}``, so they live in one cluster slot):

==================  ======  ==============================================================
``<p>{<key>}``      string  the lease: the holder's token, with a PX expiry
``<p>{<key>}:q``    list    waiting tokens in arrival order (one per process, see RedisGate)
``<p>{<key>}:a``    zset    waiting token -> heartbeat deadline (Redis server clock, ms)
``<p>{<key>}:w:<t>`` list   wake-up mailbox of waiter ``t`` (BLPOP'd by that waiter only)
==================  ======  ==============================================================

Fairness: a free key goes to the oldest *live* waiter, never to a newcomer that happens to
ask first. Releasing hands the lease straight to that waiter (with a short "claim" expiry,
so a waiter that died in the meantime only delays the queue by ``waiter_ttl``) and pushes
to its mailbox. Waiters whose heartbeat expired (crashed processes) are skipped.

Scripts use ``TIME`` (the server's clock) so that hosts with skewed clocks agree.
"""

from __future__ import annotations

__all__ = ["ACQUIRE", "LEAVE", "RENEW"]

# Shared helpers. KEYS[1] lease, KEYS[2] queue, KEYS[3] heartbeats.
_PRELUDE = """
if redis.replicate_commands then redis.replicate_commands() end
local lease, queue, alive = KEYS[1], KEYS[2], KEYS[3]

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function wake_key(token)
  return lease .. ':w:' .. token
end

-- Forget waiters whose heartbeat deadline has passed (their process is gone).
local function purge(now)
  local dead = redis.call('ZRANGEBYSCORE', alive, '-inf', string.format('(%d', now))
  for _, t in ipairs(dead) do
    redis.call('ZREM', alive, t)
    redis.call('LREM', queue, 0, t)
  end
end

-- Give the key to the oldest live waiter (short claim expiry + wake-up), or free it.
local function hand_off(now, claim_ms)
  purge(now)
  while true do
    local head = redis.call('LPOP', queue)
    if not head then
      redis.call('DEL', lease)
      return false
    end
    if redis.call('ZSCORE', alive, head) then
      redis.call('ZREM', alive, head)
      redis.call('SET', lease, head, 'PX', claim_ms)
      redis.call('RPUSH', wake_key(head), '1')
      redis.call('PEXPIRE', wake_key(head), claim_ms)
      return head
    end
  end
end
"""

ACQUIRE = (
    _PRELUDE
    + """
-- ARGV: token, lease_ms, waiter_ttl_ms. Returns 1 when the caller now holds the key.
local token, lease_ms, ttl_ms = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local now = now_ms()
local holder = redis.call('GET', lease)
if holder == token then
  -- Handed to us while we waited (or our previous reply was lost): claim a full lease.
  redis.call('PEXPIRE', lease, lease_ms)
  redis.call('ZREM', alive, token)
  redis.call('LREM', queue, 0, token)
  redis.call('DEL', wake_key(token))
  return 1
end
if not holder then
  purge(now)
  local head = redis.call('LINDEX', queue, 0)
  if (not head) or head == token then
    if head then redis.call('LPOP', queue) end
    redis.call('ZREM', alive, token)
    redis.call('SET', lease, token, 'PX', lease_ms)
    return 1
  end
  -- Free, but a live waiter is ahead of us (its wake-up was lost or its holder crashed).
  hand_off(now, ttl_ms)
  if redis.call('GET', lease) == token then
    -- Everyone ahead of us turned out to be gone.
    redis.call('PEXPIRE', lease, lease_ms)
    redis.call('DEL', wake_key(token))
    return 1
  end
end
-- Held by someone else: queue up once, then just refresh the heartbeat.
if not redis.call('ZSCORE', alive, token) then
  redis.call('LREM', queue, 0, token)
  redis.call('RPUSH', queue, token)
end
redis.call('ZADD', alive, now + ttl_ms, token)
redis.call('PEXPIRE', queue, 2 * ttl_ms + lease_ms)
redis.call('PEXPIRE', alive, 2 * ttl_ms + lease_ms)
return 0
"""
)

LEAVE = (
    _PRELUDE
    + """
-- ARGV: token, waiter_ttl_ms. Used both to release a held key and to abandon a wait:
-- whatever state the token is in (holder, handed-to, queued), it is removed, and a key it
-- held goes to the next live waiter. Returns 1 when the token held the key.
local token, ttl_ms = ARGV[1], tonumber(ARGV[2])
redis.call('ZREM', alive, token)
redis.call('LREM', queue, 0, token)
redis.call('DEL', wake_key(token))
if redis.call('GET', lease) == token then
  hand_off(now_ms(), ttl_ms)
  return 1
end
return 0
"""
)

# KEYS[1] lease; ARGV: token, lease_ms. Extends the lease only while the token still holds it.
RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
