-- GET {base}/Users/{id} with an id drawn at random from a file.
-- Arguments after --: base path, file of "id<TAB>userName" lines.
dofile(string.match(debug.getinfo(1, "S").source, "^@(.*/)") .. "common.lua")

function init(args)
    base = args[1]
    users = read_lines(args[2])
    seed_random()
end

function request()
    local id = string.match(users[math.random(#users)], "^[^\t]+")
    return wrk.format("GET", base .. "/Users/" .. id)
end
