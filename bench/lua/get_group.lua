-- GET {base}/Groups/{id}?excludedAttributes=members, always the same group.
-- Arguments after --: base path, group id.
dofile(string.match(debug.getinfo(1, "S").source, "^@(.*/)") .. "common.lua")

function init(args)
    path = args[1] .. "/Groups/" .. args[2] .. "?excludedAttributes=members"
end

function request()
    return wrk.format("GET", path)
end
