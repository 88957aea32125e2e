-- wrk script: POST a chat completion; BENCH_STREAM=1 asks for SSE; BENCH_KEY and BENCH_MODEL from the environment
local stream = os.getenv("BENCH_STREAM") == "1"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY")
wrk.body = '{"model":"' .. os.getenv("BENCH_MODEL") .. '","stream":' .. (stream and "true" or "false")
  .. ',"max_tokens":16,"messages":[{"role":"user","content":"Say hello to the benchmark"}]}'
