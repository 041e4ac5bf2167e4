-- wrk script for benches/load.sh and benches/quick_submit.sh: POST realistic reports, each new (an external_id of its own),
-- with 2 to 5 accounts and 3 to 10 content items. Account ids, handles, numbers, links and media
-- hashes are the report's own, except that one report in ten reuses a recruiter from a pool of
-- a thousand, so the correlation index finds matches as it would in service. The token comes
-- from TOKEN; with BATCH=N (N > 0) each request is POST /api/v1/reports/batch with N reports.
-- With RATE=R (requests a second in all) and CONNECTIONS=C (as given to wrk, with 2 threads)
-- each connection pauses after each answer, for a time corrected every second so that the run
-- offers about R requests a second: a fixed, lighter load than wrk's flat-out default.
local counter = 0
local threads = {}
local batch = tonumber(os.getenv("BATCH") or "0")
local run = tostring(os.time())
local rate = tonumber(os.getenv("RATE") or "0") / 2 -- this thread's share
local pace = rate > 0 and tonumber(os.getenv("CONNECTIONS")) / 2 * 1000 / rate or 0
local answered, first, last = 0, nil, nil
-- This thread's tally, summed over the threads in done(): reports stored (201, or a batch
-- item's 201), and answers 429 and 503.
stored, too_many, unavailable, unexpected = 0, 0, 0, 0

local roles = {"recruiter", "promoter", "contact_point", "other"}
local actions = {"suspended", "restricted", "none", "banned"}
local types = {"video", "post", "comment", "image", "direct_message"}
local categories = {"recruitment", "recruitment", "recruitment", "violent_content", "extortion"}
local severities = {"low", "medium", "medium", "high", "critical"}

function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 100 + thread_id)
end

local function account(n, i)
  local who = n .. "-" .. i
  if i == 1 and math.random(10) == 1 then
    who = "pool-" .. math.random(1000)
  end
  local handles = ""
  if math.random(2) == 1 then
    handles = string.format(',"contact_handles":[{"type":"whatsapp","value":"+52 33 %04d %04d"}]',
      math.random(0, 9999), math.random(0, 9999))
  end
  return string.format(
    '{"platform_account_id":"acct-%s","handle":"@user.%s","role":"%s","action_taken":"%s"%s}',
    who, who, roles[math.random(#roles)], actions[math.random(#actions)], handles)
end

local function content(n, i)
  local kind = types[math.random(#types)]
  if kind == "image" then
    return string.format(
      '{"content_type":"image","sha256":"%016x%016x%016x%016x","preserved":true,"removed":true}',
      math.random(0, 2^53), math.random(0, 2^53), n, i)
  end
  if kind == "post" or kind == "comment" then
    return string.format(
      '{"content_type":"%s","text_excerpt":"Se buscan jovenes para trabajo de seguridad, buena paga, numero %d",'
        .. '"preserved":true,"removed":false}', kind, math.random(100000))
  end
  return string.format(
    '{"content_type":"%s","url":"https://video.example.com/v/%s-%d-%d?utm_source=share","preserved":true,"removed":true}',
    kind, run, n, i)
end

local function report()
  counter = counter + 1
  local n = thread_id * 100000000 + counter
  local accounts, items = {}, {}
  for i = 1, math.random(2, 5) do accounts[i] = account(n, i) end
  for i = 1, math.random(3, 10) do items[i] = content(n, i) end
  return string.format([[{"external_id":"load-%s-%d","service":"Example Video","category":"%s",
"severity":"%s","suspected_groups":["cjng"],
"summary":"Account advertises well-paid security jobs with travel, asks applicants to message on WhatsApp.",
"detection_method":"automated_detection","detected_at":"2026-11-20T14:30:00Z","languages":["es-MX"],
"locations":[{"country":"MX","subdivision":"MX-JAL"}],"indicators":["job_advertisement","payment_offer"],
"accounts":[%s],"content":[%s],"contact":{"name":"Trust and Safety","email":"desk@example.com"}}]],
    run, n, categories[math.random(#categories)], severities[math.random(#severities)],
    table.concat(accounts, ","), table.concat(items, ","))
end

function request()
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("TOKEN"),
  }
  if batch == 0 then
    return wrk.format("POST", "/api/v1/reports", headers, report())
  end
  local reports = {}
  for i = 1, batch do reports[i] = report() end
  return wrk.format("POST", "/api/v1/reports/batch", headers,
    '{"reports":[' .. table.concat(reports, ",") .. "]}")
end

if pace > 0 then
  function delay()
    return pace
  end
end

-- Once a second: the pause grows when this thread ran ahead of its rate, shrinks when behind.
local function keep_pace()
  answered = answered + 1
  local now = os.time()
  first = first or now
  if now ~= last and now > first then
    last = now
    pace = math.max(1, pace * (answered / (now - first)) / rate)
  end
end

function response(status, headers, body)
  if pace > 0 then keep_pace() end
  if status == 429 then too_many = too_many + 1 end
  if status == 503 then unavailable = unavailable + 1 end
  local expected = batch == 0 and 201 or 200
  local created = status == expected and (batch == 0 and 1 or select(2, string.gsub(body, '"status":201', ""))) or 0
  stored = stored + created
  if created ~= math.max(batch, 1) then
    unexpected = unexpected + 1
    if unexpected <= 3 then
      io.stderr:write("unexpected answer " .. status .. ": " .. string.sub(body, 1, 300) .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local total = {stored = 0, too_many = 0, unavailable = 0}
  for _, thread in ipairs(threads) do
    for name in pairs(total) do total[name] = total[name] + thread:get(name) end
  end
  io.write(string.format("reports stored: %d\n", total.stored))
  io.write(string.format("RESULT reports/s %.0f p50_ms %.1f p99_ms %.1f errors %d 429s %d 503s %d\n",
    total.stored / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout, total.too_many, total.unavailable))
end
