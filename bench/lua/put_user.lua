-- PUT {base}/Users/{id} with the body of Postman's "Update User Information"
-- example, carrying the user's own userName, for an id drawn at random from a
-- file. Arguments after --: base path, file of "id<TAB>userName" lines.
dofile(string.match(debug.getinfo(1, "S").source, "^@(.*/)") .. "common.lua")

function init(args)
    base = args[1]
    users = read_lines(args[2])
    headers = headers_with({["Content-Type"] = "application/scim+json"})
    seed_random()
end

function request()
    local id, user_name = string.match(users[math.random(#users)], "^([^\t]+)\t(.+)$")
    local body = '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],' ..
        '"userName":"' .. user_name .. '",' ..
        '"name":{"givenName":"Test","familyName":"User"},' ..
        '"externalId":"23123123","locale":"en-US","groups":[],"active":true}'
    return wrk.format("PUT", base .. "/Users/" .. id, headers, body)
end
