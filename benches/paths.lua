-- wrk script: GET each path of the file named by PATHS in turn (one path a line), with the
-- bearer token in TOKEN, so that a run spreads over many reports and values.
local paths = {}
for line in io.lines(os.getenv("PATHS")) do
  paths[#paths + 1] = line
end
local headers = { ["Authorization"] = "Bearer " .. os.getenv("TOKEN") }
local i = math.random(#paths)

request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], headers)
end
