// The baseline of library start-up: a bare node process that sends one request with node:http.
import { request } from "node:http"

const url = new URL(`${process.env.BENCH_URL ?? ""}/chat/completions`)
request(url, { method: "POST", headers: { "content-type": "application/json" } }).end("{}")
