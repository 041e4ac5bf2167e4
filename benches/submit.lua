-- wrk script: POST realistic reports (3 accounts, 5 content items) with a unique external_id
-- each, so every report is stored anew. The token comes from the TOKEN variable. With BATCH=N
-- (N > 0) each request is POST /api/v1/reports/batch carrying N reports.
local counter = 0
local threads = {}
local batch = tonumber(os.getenv("BATCH") or "0")

function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

local template = [[{"external_id":"load-%s-%d-%d","service":"Example Video","category":"recruitment",
"severity":"high","suspected_groups":["cjng","sinaloa"],
"summary":"Account advertises well-paid security jobs with travel, asks applicants to message on WhatsApp.",
"detection_method":"automated_detection","detected_at":"2026-11-20T14:30:00Z","languages":["es-MX"],
"locations":[{"country":"MX","subdivision":"MX-JAL"}],"indicators":["job_advertisement","payment_offer"],
"accounts":[
 {"platform_account_id":"a1-%d","handle":"@job.offer.fake","role":"recruiter","action_taken":"suspended",
  "contact_handles":[{"type":"whatsapp","value":"+52 33 5555 0100"}]},
 {"platform_account_id":"a2-%d","handle":"@promo.fake","role":"promoter","action_taken":"restricted"},
 {"platform_account_id":"a3-%d","role":"contact_point","action_taken":"none"}],
"content":[
 {"content_type":"video","url":"https://video.example.com/v/1","account_ref":"a1-%d","preserved":true,"removed":true},
 {"content_type":"post","text_excerpt":"Se buscan jovenes, buena paga","preserved":true,"removed":false},
 {"content_type":"comment","text_excerpt":"manda mensaje","preserved":false,"removed":false},
 {"content_type":"image","sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","preserved":true,"removed":true},
 {"content_type":"direct_message","preserved":true,"removed":false}],
"contact":{"name":"Trust and Safety","email":"desk@example.com"}}]]

local run = tostring(os.time())

local function report()
  counter = counter + 1
  return string.format(template, run, thread_id, counter, counter, counter, counter, counter)
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
  for i = 1, batch do
    reports[i] = report()
  end
  return wrk.format("POST", "/api/v1/reports/batch", headers,
    '{"reports":[' .. table.concat(reports, ",") .. "]}")
end

function response(status, headers, body)
  local expected = batch == 0 and 201 or 200
  local stored = batch
  if batch > 0 then
    stored = select(2, string.gsub(body, '"status":201', ""))
  end
  if status ~= expected or stored ~= batch then
    io.stderr:write("unexpected answer " .. status .. ": " .. string.sub(body, 1, 300) .. "\n")
  end
end

function done(summary, latency, requests)
  local per_request = batch == 0 and 1 or batch
  local seconds = summary.duration / 1e6
  io.write(string.format("reports stored: %d\n", summary.requests * per_request))
  io.write(string.format("reports/s: %.0f (%d requests of %d report(s), %d errors)\n",
    summary.requests * per_request / seconds, summary.requests, per_request,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout))
end
