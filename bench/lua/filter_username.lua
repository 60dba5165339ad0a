-- GET {base}/Users?filter=userName eq "NAME" with a userName drawn at random
-- from a file. Arguments after --: base path, file of "id<TAB>userName" lines.
dofile(string.match(debug.getinfo(1, "S").source, "^@(.*/)") .. "common.lua")

function init(args)
    base = args[1]
    users = read_lines(args[2])
    seed_random()
end

function request()
    local user_name = string.match(users[math.random(#users)], "\t(.+)$")
    local path = base .. "/Users?filter=userName%20eq%20%22" .. user_name .. "%22"
    return wrk.format("GET", path)
end
