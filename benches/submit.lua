-- wrk script: POST a realistic report (3 accounts, 5 content items) with a unique external_id
-- per request, so every request stores a new report. The token comes from the TOKEN variable.
local counter = 0
local threads = {}

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

function request()
  counter = counter + 1
  local body = string.format(template, run, thread_id, counter, counter, counter, counter, counter)
  return wrk.format("POST", "/api/v1/reports", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("TOKEN"),
  }, body)
end

function response(status, headers, body)
  if status ~= 201 then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
end
