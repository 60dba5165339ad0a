-- PATCH {base}/Users/{id} replacing active, alternately false and true, for an
-- id drawn at random from a file. Arguments after --: base path, file of
-- "id<TAB>userName" lines.
dofile(string.match(debug.getinfo(1, "S").source, "^@(.*/)") .. "common.lua")

function init(args)
    base = args[1]
    users = read_lines(args[2])
    headers = headers_with({["Content-Type"] = "application/scim+json"})
    counter = 0
    seed_random()
end

function request()
    counter = counter + 1
    local id = string.match(users[math.random(#users)], "^[^\t]+")
    local active = (counter % 2 == 0) and "true" or "false"
    local body = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],' ..
        '"Operations":[{"op":"replace","path":"active","value":' .. active .. '}]}'
    return wrk.format("PATCH", base .. "/Users/" .. id, headers, body)
end
