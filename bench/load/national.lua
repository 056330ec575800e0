-- wrk script of the national load test: each request is a random line of a file made by
-- bench/load/prepare.py (`kind<TAB>cookie<TAB>path`, cookie `-` for a visitor).
--
--   wrk -t2 -c64 -d5m --latency -s bench/load/national.lua http://127.0.0.1:8440 -- \
--       OUT/requests.tsv OUT/lua.json
--
-- Each response is counted by kind (nginx sends back the request's X-Bench-Kind), by status
-- class and by page cache (X-Page-Cache: hit or miss, from bench/load/middleware.py); done()
-- adds up every thread's counts and writes them as JSON for bench/load/report.py.

local threads = {}
local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
   table.insert(threads, thread)
end

local lines = {}
-- Globals: done() reads them from each thread (thread:get).
counts = {}
result_file = nil

function init(args)
   result_file = args[2]
   for line in io.lines(args[1]) do
      local kind, cookie, path = line:match("^([^\t]+)\t([^\t]+)\t(.+)$")
      if kind then
         local headers = { ["X-Bench-Kind"] = kind }
         if cookie ~= "-" then
            headers["Cookie"] = cookie
         end
         table.insert(lines, wrk.format("GET", path, headers))
      end
   end
   math.randomseed(os.time() * 100 + id)
end

function request()
   return lines[math.random(#lines)]
end

-- One level only: wrk's thread:get() crashes on nested tables. Keys are "kind|name".
local function bump(kind, name)
   local key = kind .. "|" .. name
   counts[key] = (counts[key] or 0) + 1
end

function response(status, headers, body)
   local kind = headers["X-Bench-Kind"] or headers["x-bench-kind"] or "?"
   local cache = headers["X-Page-Cache"] or headers["x-page-cache"] or "none"
   -- Every page answered 200 when prepare.py checked it: a 3xx now is a member sent to the
   -- sign-in page (a session lost), counted apart.
   local class = "status_" .. status
   if status >= 200 and status < 300 then
      class = "ok"
   elseif status >= 300 and status < 400 then
      class = "redirect"
   end
   for _, key in ipairs({ kind, "all" }) do
      bump(key, "requests")
      bump(key, class)
      bump(key, "cache_" .. cache)
   end
end

function done(summary, latency, requests)
   local total = {}
   for _, thread in ipairs(threads) do
      for key, value in pairs(thread:get("counts")) do
         local kind, name = key:match("^(.*)|([^|]*)$")
         total[kind] = total[kind] or {}
         total[kind][name] = (total[kind][name] or 0) + value
      end
   end
   local parts = {}
   for kind, row in pairs(total) do
      local fields = {}
      for name, value in pairs(row) do
         table.insert(fields, string.format("%q: %d", name, value))
      end
      table.insert(parts, string.format("%q: {%s}", kind, table.concat(fields, ", ")))
   end
   local errors = summary.errors
   table.insert(
      parts,
      string.format(
         '"_socket": {"connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d}',
         errors.connect, errors.read, errors.write, errors.timeout, errors.status
      )
   )
   local file = io.open(threads[1]:get("result_file"), "w")
   file:write("{" .. table.concat(parts, ", ") .. "}\n")
   file:close()
end
