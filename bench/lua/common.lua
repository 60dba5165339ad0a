-- Parts shared by the wrk scripts of this folder: numbering the threads,
-- reading data files, checking every response status, and printing the result
-- as one JSON line that bench/bench.py parses.
--
-- wrk runs a script in one Lua state per thread plus one for setup() and
-- done(), so the per-thread counters below are read back through thread:get().

local threads = {}

-- Runs in the main Lua state once per thread, before init().
function setup(thread)
    thread:set("thread_id", #threads)
    table.insert(threads, thread)
end

-- Per-thread counters, read back in done(). unexpected_bodies counts responses
-- with the expected status whose body a script's own response() rejected.
non_2xx = 0
unexpected_bodies = 0
first_bad_status = 0
first_bad_body = ""

-- Keep the first bad response of the thread for the report.
function remember_bad(status, body)
    if first_bad_status == 0 then
        first_bad_status = status
        first_bad_body = string.sub(body or "", 1, 200)
    end
end

function response(status, headers, body)
    if status < 200 or status > 299 then
        non_2xx = non_2xx + 1
        remember_bad(status, body)
    end
end

-- Return the lines of a file as a list, raising an error when it has none.
function read_lines(path)
    local lines = {}
    local file = assert(io.open(path, "r"))
    for line in file:lines() do
        if line ~= "" then
            table.insert(lines, line)
        end
    end
    file:close()
    assert(#lines > 0, "no lines in " .. path)
    return lines
end

-- Return a copy of the headers given with -H, plus the extra ones.
function headers_with(extra)
    local headers = {}
    for name, value in pairs(wrk.headers) do
        headers[name] = value
    end
    for name, value in pairs(extra or {}) do
        headers[name] = value
    end
    return headers
end

-- Seed the random generator differently in each thread.
function seed_random()
    math.randomseed(os.time() * 1000 + (thread_id or 0) * 7919)
end

local function json_string(text)
    text = string.gsub(text, '[%c"\\]', function(c)
        return string.format("\\u%04x", string.byte(c))
    end)
    return '"' .. text .. '"'
end

function done(summary, latency, requests)
    local bad, unexpected = 0, 0
    local status, body = 0, ""
    for _, thread in ipairs(threads) do
        bad = bad + thread:get("non_2xx")
        unexpected = unexpected + thread:get("unexpected_bodies")
        if status == 0 and thread:get("first_bad_status") ~= 0 then
            status = thread:get("first_bad_status")
            body = thread:get("first_bad_body")
        end
    end
    local errors = summary.errors
    io.write(string.format(
        'wrk-result {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,' ..
        '"max_us":%d,"non_2xx":%d,"unexpected_bodies":%d,"first_bad_status":%d,' ..
        '"first_bad_body":%s,"connect_errors":%d,"read_errors":%d,"write_errors":%d,' ..
        '"timeouts":%d}\n',
        summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
        latency.max, bad, unexpected, status, json_string(body),
        errors.connect, errors.read, errors.write, errors.timeout))
end
