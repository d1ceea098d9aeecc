import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import * as Params from "../src/Params.js"
import * as PayloadTransformers from "../src/PayloadTransformers.js"
import * as RouteVerifier from "../src/RouteVerifier.js"
import type * as Thinking from "../src/Thinking.js"
import type { Body, TransformContext } from "../src/transform/Context.js"

const VERIFIED = "https://openrouter.ai/api/v1"
const PROXY = "https://proxy.example.com/v1"
const HOST_ONLY = "http://openrouter.ai/api/v1"

interface Options {
  readonly slug?: string
  readonly baseUrl?: string | undefined
  readonly provider?: string
  readonly thinking?: Thinking.Level
  readonly params?: Record<string, unknown>
  readonly fallbacks?: ReadonlyArray<string>
  readonly cacheRetention?: TransformContext["cacheRetention"]
}

const context = (options: Options = {}): TransformContext => ({
  slug: options.slug ?? "openai/gpt-4o",
  provider: options.provider ?? "openrouter",
  route: RouteVerifier.classify("baseUrl" in options ? options.baseUrl : VERIFIED, options.provider ?? "openrouter"),
  thinking: options.thinking ?? "off",
  params: options.params ?? {},
  fallbacks: options.fallbacks ?? [],
  cacheRetention: options.cacheRetention,
  configuredHeaders: {},
  callerHeaders: {}
})

const shapeBody = (options: Options, request: Body): Body => {
  const result = PayloadTransformers.shapeBody(context(options), request)
  if (Either.isLeft(result)) throw new Error(result.left.message)
  return result.right
}

const user = { role: "user", content: "hi" }

describe("Anthropic cache markers (§5, §17.5)", () => {
  const anthropic = { slug: "anthropic/claude-sonnet-4-6" }

  it("a string system prompt becomes one marked text block", () => {
    const body = shapeBody(anthropic, { messages: [{ role: "system", content: "rules" }, user] })
    expect(body.messages).toEqual([
      { role: "system", content: [{ type: "text", text: "rules", cache_control: { type: "ephemeral" } }] },
      user
    ])
  })

  it("the last block of each system and developer message is marked; user messages are not", () => {
    const body = shapeBody(anthropic, {
      messages: [
        { role: "system", content: [{ type: "text", text: "a" }, { type: "text", text: "b" }] },
        { role: "developer", content: "dev" },
        { role: "user", content: [{ type: "text", text: "u" }] }
      ]
    })
    expect(body.messages).toEqual([
      { role: "system", content: [{ type: "text", text: "a" }, { type: "text", text: "b", cache_control: { type: "ephemeral" } }] },
      { role: "developer", content: [{ type: "text", text: "dev", cache_control: { type: "ephemeral" } }] },
      { role: "user", content: [{ type: "text", text: "u" }] }
    ])
  })

  it("no marker on a thinking last block, a non-object last block or an empty array", () => {
    const messages = [
      { role: "system", content: [{ type: "text", text: "a" }, { type: "redacted_thinking", data: "x" }] },
      { role: "system", content: [{ type: "text", text: "a" }, "plain"] },
      { role: "system", content: [] },
      user
    ]
    expect(shapeBody(anthropic, { messages }).messages).toEqual(messages)
  })

  it("assistant thinking blocks lose their cache_control; other assistant blocks keep theirs", () => {
    const body = shapeBody(anthropic, {
      messages: [user, {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "t", cache_control: { type: "ephemeral" } },
          { type: "text", text: "x", cache_control: { type: "ephemeral" } }
        ]
      }, user]
    })
    expect((body.messages as Array<any>)[1].content).toEqual([
      { type: "thinking", thinking: "t" },
      { type: "text", text: "x", cache_control: { type: "ephemeral" } }
    ])
  })

  it("retention: none sends no system markers, long asks for an hour (param or context)", () => {
    const request = { messages: [{ role: "system", content: "rules" }, user] }
    expect(shapeBody({ ...anthropic, params: { cacheRetention: "none" } }, request).messages).toEqual(request.messages)
    expect((shapeBody({ ...anthropic, cacheRetention: "long" }, request).messages as Array<any>)[0].content[0].cache_control)
      .toEqual({ type: "ephemeral", ttl: "1h" })
  })

  it("a caller's own cache_control on the last block is kept (a deliberate difference)", () => {
    const request = { messages: [{ role: "system", content: [{ type: "text", text: "a", cache_control: { type: "ephemeral", ttl: "1h" } }] }, user] }
    expect(shapeBody(anthropic, request).messages).toEqual(request.messages)
  })

  it("only anthropic/ slugs on host-verified routes: not openrouter/anthropic/…, not DeepSeek, not a proxy", () => {
    const request = { messages: [{ role: "system", content: "rules" }, user] }
    expect(shapeBody({ slug: "openrouter/anthropic/claude-sonnet-4-6" }, request).messages).toEqual(request.messages)
    expect(shapeBody({ slug: "deepseek/deepseek-v3.2" }, request).messages).toEqual(request.messages)
    expect(shapeBody({ ...anthropic, baseUrl: PROXY }, request).messages).toEqual(request.messages)
  })

  it("the provider id is not checked: custom-openrouter on openrouter.ai gets markers; http://openrouter.ai too", () => {
    const request = { messages: [{ role: "system", content: "rules" }, user] }
    expect(shapeBody({ ...anthropic, provider: "custom-openrouter" }, request).messages).not.toEqual(request.messages)
    expect(shapeBody({ ...anthropic, baseUrl: HOST_ONLY }, request).messages).not.toEqual(request.messages)
  })
})

describe("Anthropic reasoning prefill (§6, §17.3)", () => {
  const prefill = { role: "assistant", content: "{" }
  const request = { messages: [user, prefill] }

  it("with thinking high on a verified route, a trailing assistant prefill is removed", () => {
    const body = shapeBody({ slug: "anthropic/claude-sonnet-4-6", thinking: "high" }, request)
    expect(body.messages).toEqual([user])
    expect(body.reasoning).toEqual({ effort: "high" })
  })

  it("openrouter/anthropic/… slugs count too, and every trailing prefill turn goes", () => {
    const body = shapeBody({ slug: "openrouter/anthropic/claude-sonnet-4-6", thinking: "low" }, {
      messages: [user, { role: "assistant", content: "a" }, { role: "assistant", content: [{ type: "text", text: "b" }] }]
    })
    expect(body.messages).toEqual([user])
  })

  it("kept: thinking off, a host-only or custom route, a trailing tool call", () => {
    expect(shapeBody({ slug: "anthropic/claude-sonnet-4-6", thinking: "off" }, request).messages).toEqual(request.messages)
    expect(shapeBody({ slug: "anthropic/claude-sonnet-4-6", thinking: "high", baseUrl: HOST_ONLY }, request).messages)
      .toEqual(request.messages)
    expect(shapeBody({ slug: "anthropic/claude-sonnet-4-6", thinking: "high", baseUrl: PROXY }, request).messages)
      .toEqual(request.messages)
    const toolCall = { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }] }
    expect(shapeBody({ slug: "anthropic/claude-sonnet-4-6", thinking: "high" }, { messages: [user, toolCall] }).messages)
      .toEqual([user, toolCall])
    const toolUse = { role: "assistant", content: [{ type: "tool_use", id: "t", name: "f", input: {} }] }
    expect(shapeBody({ slug: "anthropic/claude-sonnet-4-6", thinking: "high" }, { messages: [user, toolUse] }).messages)
      .toEqual([user, toolUse])
  })

  it("a request whose own reasoning is disabled keeps the prefill (off, none, empty effort, enabled:false)", () => {
    for (const reasoning of [{ effort: "none" }, { effort: "off" }, { effort: "" }, { enabled: false }]) {
      const body = shapeBody({ slug: "anthropic/claude-sonnet-4-6", thinking: "off" }, { ...request, reasoning })
      expect(body.messages).toEqual(request.messages)
    }
    const enabled = shapeBody({ slug: "anthropic/claude-sonnet-4-6", thinking: "off" }, { ...request, reasoning: { max_tokens: 256 } })
    expect(enabled.messages).toEqual([user])
  })
})

describe("Reasoning injection (§7.2)", () => {
  const rows: ReadonlyArray<readonly [Thinking.Level, string | undefined]> = [
    ["off", undefined],
    ["minimal", "minimal"],
    ["low", "low"],
    ["medium", "medium"],
    ["high", "high"],
    ["xhigh", "xhigh"],
    ["adaptive", "medium"],
    ["max", "xhigh"]
  ]
  for (const [level, effort] of rows) {
    it(`${level} → ${effort ?? "nothing"}`, () => {
      const body = shapeBody({ thinking: level }, { messages: [user] })
      expect(body.reasoning).toEqual(effort === undefined ? undefined : { effort })
    })
  }

  it("reasoning_effort is always removed, even with thinking off", () => {
    expect(shapeBody({ thinking: "off" }, { messages: [user], reasoning_effort: "high" })).toEqual({ messages: [user] })
  })

  it("an existing effort or max_tokens is kept exactly; other reasoning objects get the effort", () => {
    expect(shapeBody({ thinking: "high" }, { messages: [user], reasoning: { max_tokens: 256 } }).reasoning).toEqual({ max_tokens: 256 })
    expect(shapeBody({ thinking: "high" }, { messages: [user], reasoning: { effort: "low" } }).reasoning).toEqual({ effort: "low" })
    expect(shapeBody({ thinking: "high" }, { messages: [user], reasoning: { exclude: true } }).reasoning)
      .toEqual({ exclude: true, effort: "high" })
    expect(shapeBody({ thinking: "high" }, { messages: [user], reasoning: null }).reasoning).toEqual({ effort: "high" })
    expect(shapeBody({ thinking: "high" }, { messages: [user], reasoning: "yes" }).reasoning).toBe("yes")
    expect(shapeBody({ thinking: "high" }, { messages: [user], reasoning: ["x"] }).reasoning).toEqual(["x"])
  })

  it("skipped for auto and openrouter/auto, x-ai/*, and Hunter Alpha; not for Healer Alpha", () => {
    for (const slug of ["openrouter/auto", "auto", "x-ai/grok-4.1-fast", "openrouter/hunter-alpha", "openrouter/hunter-alpha:free"]) {
      expect(shapeBody({ slug, thinking: "low" }, { messages: [user] }).reasoning).toBeUndefined()
    }
    expect(shapeBody({ slug: "openrouter/healer-alpha", thinking: "low" }, { messages: [user] }).reasoning).toEqual({ effort: "low" })
  })

  it("runs on custom proxies too", () => {
    expect(shapeBody({ thinking: "high", baseUrl: PROXY }, { messages: [user] }).reasoning).toEqual({ effort: "high" })
  })
})

describe("DeepSeek V4 (§8)", () => {
  const ds = { slug: "deepseek/deepseek-v4-pro" }

  it("the effort sequence minimal, low, medium, high, xhigh, max → … xhigh, xhigh, and all three fields", () => {
    const levels: ReadonlyArray<Thinking.Level> = ["minimal", "low", "medium", "high", "xhigh", "max"]
    expect(levels.map((thinking) => shapeBody({ ...ds, thinking }, { messages: [user] }).reasoning_effort))
      .toEqual(["minimal", "low", "medium", "high", "xhigh", "xhigh"])
    expect(shapeBody({ ...ds, thinking: "high" }, { messages: [user] })).toEqual({
      messages: [user],
      reasoning: { effort: "high" },
      thinking: { type: "enabled" },
      reasoning_effort: "high"
    })
  })

  it("with thinking xhigh only the final assistant turn without tool calls gets reasoning_content", () => {
    const toolTurn = { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }] }
    const tool = { role: "tool", tool_call_id: "c1", content: "ok" }
    const body = shapeBody({ ...ds, thinking: "xhigh" }, { messages: [user, toolTurn, tool, { role: "assistant", content: "done" }] })
    expect(body.messages).toEqual([user, toolTurn, tool, { role: "assistant", content: "done", reasoning_content: "" }])
  })

  it("thinking off disables thinking and strips every reasoning field", () => {
    const body = shapeBody({ slug: "deepseek/deepseek-v4-flash:free", thinking: "off" }, {
      messages: [user, { role: "assistant", content: "a", reasoning_content: "why" }],
      reasoning: { effort: "high" },
      reasoning_effort: "high"
    })
    expect(body).toEqual({ messages: [user, { role: "assistant", content: "a" }], thinking: { type: "disabled" } })
  })

  it("a stale max in the caller's reasoning becomes xhigh, and both efforts agree", () => {
    const body = shapeBody({ ...ds, thinking: "low" }, { messages: [user], reasoning: { effort: "max" } })
    expect(body.reasoning).toEqual({ effort: "xhigh" })
    expect(body.reasoning_effort).toBe("xhigh")
  })

  it("not on a custom proxy or a host-only route", () => {
    for (const baseUrl of [PROXY, HOST_ONLY]) {
      const body = shapeBody({ ...ds, thinking: "high", baseUrl }, { messages: [user, { role: "assistant", content: "a" }] })
      expect(body).toEqual({ messages: [user, { role: "assistant", content: "a" }], reasoning: { effort: "high" } })
    }
  })
})

describe("OpenAI-only request shaping (§9)", () => {
  it("store, service_tier, prompt-cache hints and stream_options.include_usage are not forwarded", () => {
    const body = shapeBody({}, {
      messages: [user],
      store: true,
      service_tier: "flex",
      prompt_cache_key: "k",
      prompt_cache_retention: "24h",
      stream_options: { include_usage: true },
      x_keep: 1
    })
    expect(body).toEqual({ messages: [user], x_keep: 1 })
    expect(shapeBody({}, { messages: [user], stream_options: { include_usage: true, other: 1 } }).stream_options).toEqual({ other: 1 })
  })
})

describe("Provider routing (§11)", () => {
  const params = Params.transport({
    providerWide: { provider: { sort: "price", data_collection: "deny" } },
    model: { provider: { order: ["openai"], constructor: "ignored" } },
    extra: { provider: { sort: "latency", require_parameters: true } }
  }) ?? {}

  it("the merged object is written on exact-verified routes", () => {
    expect(shapeBody({ params }, { messages: [user] }).provider).toEqual({
      sort: "latency",
      data_collection: "deny",
      order: ["openai"],
      require_parameters: true
    })
    expect(shapeBody({ params: { provider: { order: ["moonshot"] } }, baseUrl: undefined }, { messages: [user] }).provider)
      .toEqual({ order: ["moonshot"] })
  })

  it("a caller's provider wins; host-only and custom routes get none", () => {
    expect(shapeBody({ params }, { messages: [user], provider: { only: ["x"] } }).provider).toEqual({ only: ["x"] })
    expect(shapeBody({ params, baseUrl: HOST_ONLY }, { messages: [user] }).provider).toBeUndefined()
    expect(shapeBody({ params, baseUrl: PROXY }, { messages: [user] }).provider).toBeUndefined()
  })
})

describe("Model params and fallbacks (§18.1 step 2)", () => {
  it("copies sampling params the caller did not set, in snake_case", () => {
    const body = shapeBody(
      { params: { temperature: 0.2, topP: 0.9, maxTokens: 512, stop: ["END"], seed: 7, frequency_penalty: 0.1, responseCache: true } },
      { messages: [user], temperature: 1 }
    )
    expect(body).toEqual({
      messages: [user],
      temperature: 1,
      top_p: 0.9,
      max_completion_tokens: 512,
      stop: ["END"],
      seed: 7,
      frequency_penalty: 0.1
    })
    expect(shapeBody({ params: { maxTokens: 512 } }, { messages: [user], max_tokens: 100 })).toEqual({ messages: [user], max_tokens: 100 })
  })

  it("fallbacks become OpenRouter's models list, unless the caller sent one", () => {
    expect(shapeBody({ fallbacks: ["openai/gpt-4o", "anthropic/claude-haiku-4.5", "anthropic/claude-haiku-4.5"] }, { messages: [user] }).models)
      .toEqual(["anthropic/claude-haiku-4.5"])
    expect(shapeBody({ fallbacks: ["a/b"] }, { messages: [user], models: ["c/d"] }).models).toEqual(["c/d"])
  })
})

describe("extra_body (§18.2 step 10)", () => {
  it("is merged last", () => {
    expect(shapeBody({ params: { extraBody: { plugins: [{ id: "web" }], temperature: 0.5 } } }, { messages: [user], temperature: 1 }))
      .toEqual({ messages: [user], temperature: 0.5, plugins: [{ id: "web" }] })
  })

  it("a key the pipeline owns is a config error naming it", () => {
    const result = PayloadTransformers.shapeBody(context({ params: { extra_body: { provider: { only: ["x"] } } } }), { messages: [user] })
    expect(Either.isLeft(result)).toBe(true)
    if (Either.isLeft(result)) {
      expect(result.left._tag).toBe("ConfigError")
      expect(result.left.path).toBe("params.extra_body.provider")
      expect(result.left.message).toContain(`"provider"`)
    }
  })
})

describe("shape: body and headers together", () => {
  it("a verified route gets attribution and cache headers; a proxy gets neither", () => {
    const params = { responseCache: true, responseCacheTtlSeconds: 300 }
    const verified = PayloadTransformers.shape(context({ params }), { messages: [user] })
    const proxy = PayloadTransformers.shape(context({ params, baseUrl: PROXY }), { messages: [user] })
    expect(Either.getOrThrow(verified).headers).toMatchObject({ "HTTP-Referer": "https://openclaw.ai", "X-OpenRouter-Cache-TTL": "300" })
    expect(Either.getOrThrow(proxy).headers).toEqual({})
  })
})

describe("Prefill edge: a conversation of prefill only", () => {
  it("keeps its first message rather than sending no messages (found by the Schema property)", () => {
    const body = shapeBody({ slug: "anthropic/claude-sonnet-4-6", thinking: "high" }, {
      messages: [{ role: "assistant", content: "a" }, { role: "assistant", content: "b" }]
    })
    expect(body.messages).toEqual([{ role: "assistant", content: "a" }])
  })
})

describe("Tool choice (§9)", () => {
  const tool = { type: "function", function: { name: "f", parameters: {} } }
  it("tools without a choice get tool_choice auto; an explicit choice is kept; empty tools go with their choice", () => {
    expect(shapeBody({}, { messages: [user], tools: [tool] }).tool_choice).toBe("auto")
    expect(shapeBody({}, { messages: [user], tools: [tool], tool_choice: "none" }).tool_choice).toBe("none")
    expect(shapeBody({}, { messages: [user], tools: [], tool_choice: "auto" })).toEqual({ messages: [user] })
  })
})
