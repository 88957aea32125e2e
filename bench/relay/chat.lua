-- wrk script: POST a chat completion; BENCH_STREAM=1 asks for SSE; BENCH_KEY and BENCH_MODEL from the environment
local stream = os.getenv("BENCH_STREAM") == "1"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY")
wrk.body = '{"model":"' .. os.getenv("BENCH_MODEL") .. '","stream":' .. (stream and "true" or "false")
  .. ',"max_tokens":16,"messages":[{"role":"user","content":"Say hello to the benchmark"}]}'

-- the first non-2xx answer of each thread is printed (status and body), so a run with refusals says why
local told = false
function response(status, headers, body)
  if status >= 300 and not told then
    told = true
    io.stderr:write("non-2xx " .. status .. ": " .. string.sub(body or "", 1, 300) .. "\n")
  end
end
