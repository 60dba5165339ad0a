-- GET {base}/Users?startIndex=N&count=100, always the same page.
-- Arguments after --: base path, startIndex.
dofile(string.match(debug.getinfo(1, "S").source, "^@(.*/)") .. "common.lua")

function init(args)
    path = args[1] .. "/Users?startIndex=" .. args[2] .. "&count=100"
end

function request()
    return wrk.format("GET", path)
end
