-- wrk script: POST /api/v1/projects with a name unique to each request, so that the
-- requests measure creation rather than duplicate-name conflicts (409).
-- Names are "bench-<thread>-<counter>"; thread numbers are handed out in setup().

local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_number", thread_count)
end

local counter = 0

function request()
  counter = counter + 1
  local body = string.format('{"name":"bench-%d-%d"}', thread_number, counter)
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end
