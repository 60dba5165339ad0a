-- POST {base}/Users with a userName that no other request of the run uses:
-- post-RUN-THREAD-COUNTER@bench.example. Arguments after --: base path, RUN
-- (a word that differs between runs against the same store).
dofile(string.match(debug.getinfo(1, "S").source, "^@(.*/)") .. "common.lua")

function init(args)
    base = args[1]
    run = args[2]
    counter = 0
    headers = headers_with({["Content-Type"] = "application/scim+json"})
end

function request()
    counter = counter + 1
    local user_name = string.format("post-%s-%d-%d@bench.example", run, thread_id, counter)
    local body = '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],' ..
        '"userName":"' .. user_name .. '",' ..
        '"name":{"givenName":"Test","familyName":"User"},' ..
        '"externalId":"23123123","locale":"en-US","groups":[],"active":true}'
    return wrk.format("POST", base .. "/Users", headers, body)
end
