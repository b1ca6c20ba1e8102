-- wrk script: replays pre-signed raw HTTP requests from a file given after
-- `--` (each request preceded by a line holding its length in bytes), in
-- order, wrapping around at the end. The same script drives Coffer and the
-- nginx reference, so both see the very same bytes.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

reqs = {}
idx = 0
n = 0
wrapped = 0

function init(args)
  local f = assert(io.open(args[1], "rb"))
  while true do
    local l = f:read("*l")
    if not l then break end
    local len = tonumber(l)
    reqs[#reqs + 1] = f:read(len)
  end
  f:close()
  n = #reqs
end

function request()
  idx = idx + 1
  if idx > n then
    idx = 1
    wrapped = wrapped + 1
  end
  return reqs[idx]
end

function done(summary, latency, requests)
  local w = 0
  for _, t in ipairs(threads) do
    w = w + (t:get("wrapped") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"duration_us":%d,"bytes":%d,"status_errors":%d,' ..
    '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d,"wrapped":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read,
    e.write, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.mean, latency.max, w))
end
