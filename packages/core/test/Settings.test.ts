import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck as fc, Option, Redacted } from "effect"
import * as ConfigDocument from "../src/ConfigDocument.js"
import * as ConfigLocation from "../src/ConfigLocation.js"
import * as Environment from "../src/Environment.js"
import * as PayloadTransformers from "../src/PayloadTransformers.js"
import * as Settings from "../src/Settings.js"

const KEY_ENV = "sk-or-v1-environment-0000000000000001"
const KEY_FILE_ENV = "sk-or-v1-config-env-00000000000000002"
const KEY_PROVIDER = "sk-or-v1-provider-000000000000000003"
const KEY_TTS = "sk-or-v1-speech-00000000000000000004"

const doc = (text: string): ConfigDocument.Document => {
  const parsed = ConfigDocument.parseText(text, "/home/u/.openclaw/openclaw.json")
  if (Either.isLeft(parsed)) throw new Error(parsed.left.message)
  return parsed.right.document
}

const ok = <A, E extends { readonly message: string }>(result: Either.Either<A, E>): A => {
  if (Either.isLeft(result)) throw new Error(`expected success: ${result.left.message}`)
  return result.right
}

const fail = <A, E>(result: Either.Either<A, E>): E => {
  if (Either.isRight(result)) throw new Error("expected a failure")
  return result.left
}

const keyOf = (key: Settings.Key) => ({
  value: Option.getOrUndefined(Option.map(key.apiKey, Redacted.value)),
  source: key.source
})

describe("Config: the env block, in both forms", () => {
  it("sugar keys feed the key when the environment has none", () => {
    const chat = ok(Settings.resolveChat(doc(`{ env: { OPENROUTER_API_KEY: "${KEY_FILE_ENV}" } }`), {}))
    expect(keyOf(chat.key)).toEqual({ value: KEY_FILE_ENV, source: "config-env" })
  })

  it("env.vars works the same way", () => {
    const chat = ok(Settings.resolveChat(doc(`{ env: { vars: { OPENROUTER_API_KEY: "${KEY_FILE_ENV}" } } }`), {}))
    expect(keyOf(chat.key)).toEqual({ value: KEY_FILE_ENV, source: "config-env" })
  })

  it("the real environment wins, and the shadowing is reported without the values", () => {
    const chat = ok(
      Settings.resolveChat(doc(`{ env: { OPENROUTER_API_KEY: "${KEY_FILE_ENV}" } }`), { OPENROUTER_API_KEY: KEY_ENV })
    )
    expect(keyOf(chat.key)).toEqual({ value: KEY_ENV, source: "environment" })
    expect(chat.warnings.join("\n")).toContain("OPENROUTER_API_KEY is set both in the environment and in the config's env block")
    expect(chat.warnings.join("\n")).not.toContain(KEY_ENV)
    expect(chat.warnings.join("\n")).not.toContain(KEY_FILE_ENV)
  })

  it("an empty or blank environment variable counts as unset", () => {
    const chat = ok(
      Settings.resolveChat(doc(`{ env: { OPENROUTER_API_KEY: "${KEY_FILE_ENV}" } }`), { OPENROUTER_API_KEY: "  " })
    )
    expect(keyOf(chat.key).source).toBe("config-env")
  })

  it("when both forms name a variable, env.vars wins; unresolved, blank and blocked entries are skipped", () => {
    const effective = Environment.effective(
      { A: "sugar", vars: { A: "vars", B: "${MISSING}" }, C: "", NODE_OPTIONS: "--require evil", D: "${HOME}/x" },
      { HOME: "/home/u" }
    )
    expect(effective.values).toMatchObject({ A: "vars", D: "/home/u/x" })
    expect(effective.values).not.toHaveProperty("B")
    expect(effective.values).not.toHaveProperty("NODE_OPTIONS")
    expect(effective.skipped.map((s) => s.name).sort()).toEqual(["B", "C", "NODE_OPTIONS"])
  })
})

describe("Config: API-key precedence for chat and media (§2.4, no auth profiles)", () => {
  const both = `{ models: { providers: { openrouter: { apiKey: "${KEY_PROVIDER}" } } } }`

  it("OPENROUTER_API_KEY beats models.providers.openrouter.apiKey, with a warning that names the way out", () => {
    const chat = ok(Settings.resolveChat(doc(both), { OPENROUTER_API_KEY: KEY_ENV }))
    expect(keyOf(chat.key)).toEqual({ value: KEY_ENV, source: "environment" })
    expect(chat.warnings.join("\n")).toContain(`auth to "api-key"`)
  })

  it("auth: \"api-key\" with an explicit key makes the config key win", () => {
    const chat = ok(
      Settings.resolveChat(
        doc(`{ models: { providers: { openrouter: { auth: "api-key", apiKey: "${KEY_PROVIDER}" } } } }`),
        { OPENROUTER_API_KEY: KEY_ENV }
      )
    )
    expect(keyOf(chat.key)).toEqual({ value: KEY_PROVIDER, source: "provider-config-auth" })
  })

  it("the provider key is the last resort, and the call's key beats everything", () => {
    expect(keyOf(ok(Settings.resolveChat(doc(both), {})).key)).toEqual({ value: KEY_PROVIDER, source: "provider-config" })
    expect(keyOf(ok(Settings.resolveChat(doc(both), { OPENROUTER_API_KEY: KEY_ENV }, { apiKey: "sk-call-key-0000000000" })).key))
      .toEqual({ value: "sk-call-key-0000000000", source: "call" })
  })

  it("no key at all is a config error that says where to set one, only when a key is required", () => {
    const chat = ok(Settings.resolveChat(ConfigDocument.empty, {}))
    expect(chat.key.source).toBe("none")
    const error = fail(Settings.requireKey(chat.key))
    expect(error._tag).toBe("ConfigError")
    expect(error.message).toContain("OPENROUTER_API_KEY")
    expect(error.message).toContain("models.providers.openrouter.apiKey")
  })

  it("media uses the same order", () => {
    const media = ok(Settings.resolveMedia(doc(both), { OPENROUTER_API_KEY: KEY_ENV }, { kind: "image" }))
    expect(keyOf(media.key)).toEqual({ value: KEY_ENV, source: "environment" })
  })
})

describe("Config: speech key and settings (§14.2)", () => {
  it("speech key order: speech config → provider config → environment", () => {
    const withTts = doc(`{
      messages: { tts: { providers: { openrouter: { apiKey: "${KEY_TTS}" } } } },
      models: { providers: { openrouter: { apiKey: "${KEY_PROVIDER}" } } },
    }`)
    expect(keyOf(ok(Settings.resolveSpeech(withTts, { OPENROUTER_API_KEY: KEY_ENV })).key).source).toBe("speech-config")
    const withoutTts = doc(`{ models: { providers: { openrouter: { apiKey: "${KEY_PROVIDER}" } } } }`)
    expect(keyOf(ok(Settings.resolveSpeech(withoutTts, { OPENROUTER_API_KEY: KEY_ENV })).key).source).toBe("provider-config")
    expect(keyOf(ok(Settings.resolveSpeech(ConfigDocument.empty, { OPENROUTER_API_KEY: KEY_ENV })).key).source).toBe(
      "environment"
    )
  })

  it("defaults, the legacy messages.tts.openrouter, and aliases modelId/voiceId", () => {
    const speech = ok(Settings.resolveSpeech(ConfigDocument.empty, {}))
    expect(speech).toMatchObject({ voice: "af_alloy", responseFormat: "mp3", speed: undefined, provider: undefined })
    expect(speech.model.slug).toBe("hexgrad/kokoro-82m")
    const legacy = ok(
      Settings.resolveSpeech(doc(`{ messages: { tts: { openrouter: { modelId: "openai/gpt-4o-mini-tts", voiceId: "nova", responseFormat: " PCM " } } } }`), {})
    )
    expect(legacy).toMatchObject({ voice: "nova", responseFormat: "pcm" })
    expect(legacy.model.slug).toBe("openai/gpt-4o-mini-tts")
  })

  it("a bad responseFormat names the path and the allowed values", () => {
    const error = fail(
      Settings.resolveSpeech(doc(`{ messages: { tts: { providers: { openrouter: { responseFormat: "wav" } } } } }`), {})
    )
    expect(error.message).toContain("messages.tts.providers.openrouter.responseFormat")
    expect(error.message).toContain("Invalid OpenRouter speech responseFormat: wav")
    expect(error.message).toContain("mp3, pcm")
  })

  it("uses the configured base URL (a deliberate difference from OpenClaw)", () => {
    const speech = ok(Settings.resolveSpeech(doc(`{ models: { providers: { openrouter: { baseUrl: "https://proxy.example.com/v1/" } } } }`), {}))
    expect(speech.baseUrl).toBe("https://proxy.example.com/v1")
    expect(speech.route.endpointClass).toBe("custom")
  })
})

describe("Config: response-cache aliases and values (§4.1, §4.2)", () => {
  it("the model's camelCase settings beat the defaults' snake_case ones, and aliases are canonicalised", () => {
    const chat = ok(Settings.resolveChat(doc(`{
      agents: { defaults: {
        params: { response_cache: false, response_cache_ttl_seconds: 60, response_cache_clear: false },
        models: { "openrouter/auto": { params: { responseCache: true, responseCacheTtlSeconds: 600, responseCacheClear: true } } },
      } },
    }`), {}))
    expect(chat.responseCache).toEqual({ enabled: true, ttlSeconds: 600, clear: true })
    expect(chat.params).toEqual({ responseCache: true, responseCacheTtlSeconds: 600, responseCacheClear: true })
  })

  const ttl = (value: string) =>
    ok(Settings.resolveChat(doc(`{ agents: { defaults: { params: { responseCache: "yes", responseCacheTtl: ${value} } } } }`), {}))
      .responseCache.ttlSeconds
  const rows: ReadonlyArray<readonly [string, number | undefined]> = [
    ["999999", 86400],
    ["0", 1],
    ["-5", 1],
    ["300.9", 300],
    [`"600"`, 600],
    [`"abc"`, undefined],
    ["Infinity", undefined],
    ["NaN", undefined]
  ]
  for (const [value, expected] of rows) {
    it(`TTL ${value} → ${expected}`, () => expect(ttl(value)).toBe(expected))
  }

  it("the legacy duplicated model key is read when the canonical one is absent", () => {
    const chat = ok(Settings.resolveChat(doc(`{ agents: { defaults: { models: { "openrouter/openrouter/auto": { params: { response_cache: "on" } } } } } }`), {}))
    expect(chat.responseCache.enabled).toBe(true)
  })

  it("opting out keeps the TTL and clear settings from being sent", () => {
    const chat = ok(Settings.resolveChat(doc(`{ agents: { defaults: { params: { responseCache: "off", responseCacheTtl: 60, responseCacheClear: true } } } }`), {}))
    expect(chat.responseCache).toEqual({ enabled: false, ttlSeconds: undefined, clear: false })
  })
})

describe("Config: layered params and routing (§2.3, §11)", () => {
  it("defaults → model → agent → call, with provider-wide params beneath and the routing objects merged", () => {
    const chat = ok(Settings.resolveChat(
      doc(`{
        agents: {
          defaults: {
            model: { primary: "openrouter/openai/gpt-4o", fallbacks: ["openrouter/auto"] },
            params: { temperature: 0.1, top_p: 0.9 },
            models: { "openrouter/openai/gpt-4o": { params: { temperature: 0.2, provider: { order: ["openai"] } } } },
          },
          list: [{ id: "writer", params: { temperature: 0.3 } }],
        },
        models: { providers: { openrouter: { params: { max_tokens: 100, provider: { sort: "price", data_collection: "deny" } } } } },
      }`),
      {},
      { agentId: "writer", params: { top_p: 0.5 } }
    ))
    expect(chat.model.slug).toBe("openai/gpt-4o")
    expect(chat.modelSource).toBe("config")
    expect(chat.params).toEqual({
      max_tokens: 100,
      provider: { sort: "price", data_collection: "deny", order: ["openai"] },
      temperature: 0.3,
      top_p: 0.5
    })
  })

  it("thinking: the call's level, else the model's default", () => {
    expect(ok(Settings.resolveChat(ConfigDocument.empty, {})).thinking).toBe("off")
    expect(ok(Settings.resolveChat(ConfigDocument.empty, {}, { model: "moonshotai/kimi-k2.6" })).thinking).toBe("low")
    expect(ok(Settings.resolveChat(ConfigDocument.empty, {}, { thinking: "ultra" })).thinking).toBe("high")
    expect(fail(Settings.resolveChat(ConfigDocument.empty, {}, { thinking: "lots" }))._tag).toBe("BadInput")
  })
})

describe("Config: per-model thinking default (issue 16)", () => {
  const modelDoc = (key: string, thinking: string) =>
    doc(`{ agents: { defaults: { models: { ${JSON.stringify(key)}: { params: { thinking: ${JSON.stringify(thinking)} } } } } } }`)

  it("agents.defaults.models[\"<ref>\"].params.thinking beats the catalogue default", () => {
    const configured = modelDoc("openrouter/moonshotai/kimi-k2.6", "high")
    const chat = ok(Settings.resolveChat(configured, {}, { model: "moonshotai/kimi-k2.6" }))
    expect(chat).toMatchObject({ thinking: "high", thinkingSource: "model-config" })
    // Lower than the catalogue's default too.
    const off = ok(Settings.resolveChat(modelDoc("openrouter/moonshotai/kimi-k2.6", "off"), {}, { model: "moonshotai/kimi-k2.6" }))
    expect(off).toMatchObject({ thinking: "off", thinkingSource: "model-config" })
  })

  it("a per-call level beats it", () => {
    const configured = modelDoc("openrouter/moonshotai/kimi-k2.6", "high")
    const chat = ok(Settings.resolveChat(configured, {}, { model: "moonshotai/kimi-k2.6", thinking: "minimal" }))
    expect(chat).toMatchObject({ thinking: "minimal", thinkingSource: "call" })
  })

  it("it applies to its own model only", () => {
    const configured = modelDoc("openrouter/moonshotai/kimi-k2.6", "high")
    expect(ok(Settings.resolveChat(configured, {}, { model: "openai/gpt-4o" }))).toMatchObject({ thinkingSource: "default" })
    expect(ok(Settings.resolveChat(ConfigDocument.empty, {}))).toMatchObject({ thinking: "off", thinkingSource: "default" })
  })

  it("is read under the legacy duplicated key openrouter/openrouter/<slug>, the canonical key first", () => {
    expect(ok(Settings.resolveChat(modelDoc("openrouter/openrouter/auto", "medium"), {}))).toMatchObject({
      model: { slug: "openrouter/auto" },
      thinking: "medium",
      thinkingSource: "model-config"
    })
    const both = doc(`{ agents: { defaults: { models: {
      "openrouter/openrouter/fusion": { params: { thinking: "low" } },
      "openrouter/fusion": { params: { thinking: "xhigh" } },
    } } } }`)
    expect(ok(Settings.resolveChat(both, {}, { model: "openrouter/fusion" })).thinking).toBe("xhigh")
  })

  it("applies to the configured primary model, and accepts the aliases a call accepts", () => {
    const configured = doc(`{ agents: { defaults: {
      model: "openrouter/anthropic/claude-sonnet-4-6",
      models: { "openrouter/anthropic/claude-sonnet-4-6": { params: { thinking: "ultrathink", temperature: 0.2 } } },
    } } }`)
    const chat = ok(Settings.resolveChat(configured, {}))
    expect(chat).toMatchObject({ thinking: "high", thinkingSource: "model-config" })
    expect(ok(Settings.resolveChat(modelDoc("openrouter/openai/gpt-4o", " On "), {}, { model: "openai/gpt-4o" })).thinking).toBe("low")
    const bool = doc(`{ agents: { defaults: { models: { "openrouter/openai/gpt-4o": { params: { thinking: false } } } } } }`)
    expect(ok(Settings.resolveChat(bool, {}, { model: "openai/gpt-4o" })).thinking).toBe("off")
  })

  it("a blank value is no setting", () => {
    const blank = modelDoc("openrouter/moonshotai/kimi-k2.6", "  ")
    expect(ok(Settings.resolveChat(blank, {}, { model: "moonshotai/kimi-k2.6" }))).toMatchObject({
      thinking: "low",
      thinkingSource: "default"
    })
  })

  it("an unknown level is a ConfigError naming the key; a call's level does not hide it", () => {
    for (const call of [{}, { thinking: "high" }]) {
      const error = fail(Settings.resolveChat(modelDoc("openrouter/openai/gpt-4o", "lots"), {}, { model: "openai/gpt-4o", ...call }))
      expect(error._tag).toBe("ConfigError")
      expect(error).toMatchObject({ path: `agents.defaults.models["openrouter/openai/gpt-4o"].params.thinking` })
      expect(error.message).toContain(`"lots"`)
      expect(error.message).toContain("off, minimal, low, medium, high, xhigh, adaptive, max")
    }
    const numeric = doc(`{ agents: { defaults: { models: { "openrouter/openai/gpt-4o": { params: { thinking: 3 } } } } } }`)
    expect(fail(Settings.resolveChat(numeric, {}, { model: "openai/gpt-4o" }))._tag).toBe("ConfigError")
  })

  const LEVELS = ["off", "minimal", "low", "medium", "high", "xhigh", "adaptive", "max"] as const

  it.prop(
    "call → model config → catalogue default, for every pair of levels",
    [fc.option(fc.constantFrom(...LEVELS), { nil: undefined }), fc.option(fc.constantFrom(...LEVELS), { nil: undefined }), fc.boolean()],
    ([configured, call, legacy]) => {
      const key = legacy ? "openrouter/openrouter/auto" : "openrouter/auto"
      const document = configured === undefined ? ConfigDocument.empty : modelDoc(key, configured)
      const chat = ok(Settings.resolveChat(document, {}, call === undefined ? {} : { thinking: call }))
      expect(chat.thinking).toBe(call ?? configured ?? "off")
      expect(chat.thinkingSource).toBe(call !== undefined ? "call" : configured !== undefined ? "model-config" : "default")
    }
  )

  it("becomes the request's reasoning effort, never a `thinking` field of the body", () => {
    const chat = ok(Settings.resolveChat(modelDoc("openrouter/openai/gpt-4o", "high"), {}, { model: "openai/gpt-4o" }))
    const shaped = ok(PayloadTransformers.shape(PayloadTransformers.contextOf(chat), { messages: [{ role: "user", content: "q" }] }))
    expect(shaped.body.reasoning).toEqual({ effort: "high" })
    expect(shaped.body).not.toHaveProperty("thinking")
  })
})

describe("Config: base URL and route", () => {
  it("the legacy URL is rewritten and still exact-verified; --base-url overrides the config", () => {
    const legacy = ok(Settings.resolveChat(doc(`{ models: { providers: { openrouter: { baseUrl: "https://openrouter.ai/v1/" } } } }`), {}))
    expect(legacy.baseUrl).toBe("https://openrouter.ai/api/v1")
    expect(legacy.route).toMatchObject({ endpointClass: "openrouter", hostVerified: true, exactVerified: true })
    const overridden = ok(Settings.resolveChat(ConfigDocument.empty, {}, { baseUrl: "http://127.0.0.1:4010/api/v1" }))
    expect(overridden.route.endpointClass).toBe("local")
  })

  it("a plain-http base URL to another host is refused, naming where it came from", () => {
    const error = fail(Settings.resolveChat(doc(`{ models: { providers: { openrouter: { baseUrl: "http://proxy.example.com/v1" } } } }`), {}))
    expect(error._tag).toBe("ConfigError")
    expect(error.message).toContain("models.providers.openrouter.baseUrl")
    expect(error.message).toContain("https")
  })
})

describe("Config: ${VAR} substitution", () => {
  it("reads the effective environment, including names the env block sets", () => {
    const chat = ok(Settings.resolveChat(
      doc(`{ env: { vars: { OR_HOST: "openrouter.ai" } }, models: { providers: { openrouter: { baseUrl: "https://\${OR_HOST}/api/v1", apiKey: "\${MY_KEY}" } } } }`),
      { MY_KEY: KEY_ENV }
    ))
    expect(chat.baseUrl).toBe("https://openrouter.ai/api/v1")
    expect(keyOf(chat.key).value).toBe(KEY_ENV)
  })

  it("an unresolved reference is a config error naming the variable and the path", () => {
    const error = fail(Settings.resolveChat(doc(`{ models: { providers: { openrouter: { apiKey: "\${NOPE_KEY}" } } } }`), {}))
    expect(error._tag).toBe("ConfigError")
    expect(error.message).toContain("${NOPE_KEY}")
    expect(error.message).toContain("models.providers.openrouter.apiKey")
  })

  it("$${VAR} is a literal, and sections this provider does not read are left alone", () => {
    const document = doc(`{ channels: { token: "\${SOMETHING_ELSE}" }, agents: { defaults: { params: { note: "$\${HOME}" } } } }`)
    const chat = ok(Settings.resolveChat(document, {}))
    expect(chat.params).toEqual({ note: "${HOME}" })
  })

  it("substitution never mutates the document", () => {
    const document = doc(`{ agents: { defaults: { params: { user: "\${USER_NAME}" } } } }`)
    const before = structuredClone(document)
    ok(Settings.resolveChat(document, { USER_NAME: "ada" }))
    expect(document).toEqual(before)
  })
})

describe("Config: media models and timeouts", () => {
  it("image: call → config → default model; call timeout → config timeout → 180 s", () => {
    const config = doc(`{ agents: { defaults: { imageGenerationModel: { primary: "openrouter/google/gemini-3-pro-image-preview", timeoutMs: 90000.7 }, mediaMaxMb: 2.5 } } }`)
    const fromConfig = ok(Settings.resolveMedia(config, {}, { kind: "image" }))
    expect(fromConfig.model.slug).toBe("google/gemini-3-pro-image-preview")
    expect(fromConfig.timeoutMs).toBe(90000)
    expect(fromConfig.maxBytes).toBe(2621440)
    const fromCall = ok(Settings.resolveMedia(config, {}, { kind: "image", model: "openai/gpt-5.4-image-2", timeoutMs: 5000 }))
    expect(fromCall).toMatchObject({ timeoutMs: 5000 })
    expect(fromCall.model.slug).toBe("openai/gpt-5.4-image-2")
    const defaults = ok(Settings.resolveMedia(ConfigDocument.empty, {}, { kind: "image" }))
    expect(defaults).toMatchObject({ timeoutMs: 180_000, maxBytes: 16 * 1024 * 1024 })
    expect(defaults.model.slug).toBe("google/gemini-3.1-flash-image-preview")
  })

  it("video defaults to google/veo-3.1-fast and the 600 s polling cap; a bad call timeout is bad input", () => {
    const video = ok(Settings.resolveMedia(doc(`{ agents: { defaults: { videoGenerationModel: "openrouter/google/veo-3.1-fast" } } }`), {}, { kind: "video" }))
    expect(video.model.slug).toBe("google/veo-3.1-fast")
    expect(video.timeoutMs).toBe(600_000)
    const error = fail(Settings.resolveMedia(ConfigDocument.empty, {}, { kind: "video", timeoutMs: -1 }))
    expect(error).toMatchObject({ _tag: "BadInput", field: "timeoutMs" })
  })
})

describe("Config file: errors that say where", () => {
  it("a JSON5 syntax error names the file and line:column", () => {
    const error = fail(ConfigDocument.parseText(`{\n  agents: {\n    defaults: { model: "openrouter/auto", }\n  },,\n}`, "/etc/openclaw.json"))
    expect(error).toMatchObject({ _tag: "ConfigError", file: "/etc/openclaw.json", line: 4, column: 5 })
    expect(error.message).toMatch(/^\/etc\/openclaw\.json:4:5: JSON5 syntax error/)
  })

  it("a schema error names the JSON path, the value found and what is allowed", () => {
    const error = fail(ConfigDocument.parseText(`{ agents: { defaults: { models: { "openrouter/auto": { params: 3 } } } } }`, "c.json5"))
    expect(error.path).toBe(`agents.defaults.models["openrouter/auto"].params`)
    expect(error.message).toBe(`c.json5: agents.defaults.models["openrouter/auto"].params: expected an object of params, found 3`)
    const union = fail(ConfigDocument.parseText(`{ agents: { defaults: { model: 42 } } }`))
    expect(union.message).toContain("agents.defaults.model: expected a string or expected an object { primary, fallbacks }, found 42")
    const nested = fail(ConfigDocument.parseText(`{ agents: { defaults: { imageGenerationModel: { timeoutMs: -1 } } } }`))
    expect(nested.message).toContain("agents.defaults.imageGenerationModel.timeoutMs: expected a positive finite number, found -1")
  })

  it("a wrongly typed key is never printed", () => {
    const error = fail(ConfigDocument.parseText(`{ env: { OPENROUTER_API_KEY: 12345678901234567890 } }`))
    expect(error.message).toContain("env.OPENROUTER_API_KEY")
    expect(error.message).not.toContain("1234567890")
  })

  it("unknown keys are kept through decoding", () => {
    const parsed = ok(ConfigDocument.parseText(`{ gateway: { port: 1 }, agents: { defaults: { model: "openrouter/auto", thinkingDefault: "high" } } }`))
    expect(parsed.document).toEqual({ gateway: { port: 1 }, agents: { defaults: { model: "openrouter/auto", thinkingDefault: "high" } } })
  })

  it.prop("parseText never throws on any text", [fc.oneof(fc.string(), fc.json())], ([text]) => {
    const result = ConfigDocument.parseText(text)
    if (Either.isLeft(result)) expect(result.left._tag).toBe("ConfigError")
  })
})

describe("ConfigLocation", () => {
  const home = "/home/u"
  it("--config, then OPENCLAW_CONFIG_PATH, then OPENCLAW_STATE_DIR, then ~/.openclaw", () => {
    const environment = { OPENCLAW_CONFIG_PATH: "/etc/oc.json", OPENCLAW_STATE_DIR: "/var/oc" }
    expect(ConfigLocation.resolve({ flag: "~/my.json", environment, homeDir: home })).toEqual({
      file: "/home/u/my.json",
      source: "flag",
      stateDir: "/var/oc"
    })
    expect(ConfigLocation.resolve({ environment, homeDir: home }).file).toBe("/etc/oc.json")
    expect(ConfigLocation.resolve({ environment: { OPENCLAW_STATE_DIR: "/var/oc" }, homeDir: home }).file).toBe(
      "/var/oc/openclaw.json"
    )
    expect(ConfigLocation.resolve({ environment: { OPENCLAW_CONFIG_PATH: "" }, homeDir: home })).toEqual({
      file: "/home/u/.openclaw/openclaw.json",
      source: "default",
      stateDir: "/home/u/.openclaw"
    })
  })
})
