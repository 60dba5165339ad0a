-- GET {base}/Users?filter=F with a filter drawn at random from a file, and a
-- check of every response: status 200 and the expected totalResults.
-- Arguments after --: base path, file of percent-encoded filters (one a line),
-- expected totalResults.
dofile(string.match(debug.getinfo(1, "S").source, "^@(.*/)") .. "common.lua")

function init(args)
    base = args[1]
    filters = read_lines(args[2])
    expected_total = assert(tonumber(args[3]), "expected totalResults missing")
    seed_random()
end

function request()
    return wrk.format("GET", base .. "/Users?filter=" .. filters[math.random(#filters)])
end

function response(status, headers, body)
    if status ~= 200 then
        non_2xx = non_2xx + 1
        remember_bad(status, body)
        return
    end
    local total = tonumber(string.match(body or "", '"totalResults"%s*:%s*(%d+)'))
    if total ~= expected_total then
        unexpected_bodies = unexpected_bodies + 1
        remember_bad(status, body)
    end
end
