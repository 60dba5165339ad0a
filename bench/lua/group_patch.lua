-- PATCH {base}/Groups/{id}?excludedAttributes=members, each request adding or
-- removing one member from a pool of spare users that are not otherwise in the
-- group. excludedAttributes=members keeps the 200 response small, so the row
-- measures the change and not the size of the group's JSON.
--
-- Each thread owns one slice of the pool. It first adds LAG users of its slice,
-- then alternates: remove the oldest user it added, add the next one. So every
-- add names a user that is not in the group and every remove one that is, as
-- long as no request stays in flight while LAG others of its thread complete
-- (LAG is larger than the thread's connections). The group contains its own
-- members plus at most LAG spare users per thread.
--
-- Arguments after --: base path, group id, pool file (one "id<TAB>userName"
-- line per spare user), index of this process's first slice, number of slices
-- over all wrk processes, LAG.
dofile(string.match(debug.getinfo(1, "S").source, "^@(.*/)") .. "common.lua")

function init(args)
    path = args[1] .. "/Groups/" .. args[2] .. "?excludedAttributes=members"
    local pool = read_lines(args[3])
    local first_slice = tonumber(args[4])
    local slices = tonumber(args[5])
    lag = tonumber(args[6])
    local size = math.floor(#pool / slices)
    assert(size >= 2 * lag, "pool slice of " .. size .. " users is smaller than 2 * LAG")
    slice = {}
    local offset = (first_slice + thread_id) * size
    for i = 1, size do
        slice[i] = string.match(pool[offset + i], "^[^\t]+")
    end
    headers = headers_with({["Content-Type"] = "application/scim+json"})
    added = 0
    removed = 0
end

function request()
    local operation
    if added - removed < lag then
        local id = slice[added % #slice + 1]
        added = added + 1
        operation = '{"op":"add","path":"members","value":[{"value":"' .. id .. '"}]}'
    else
        local id = slice[removed % #slice + 1]
        removed = removed + 1
        operation = '{"op":"remove","path":"members[value eq \\"' .. id .. '\\"]"}'
    end
    local body = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],' ..
        '"Operations":[' .. operation .. ']}'
    return wrk.format("PATCH", path, headers, body)
end
