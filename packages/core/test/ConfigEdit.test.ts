import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck as fc } from "effect"
import JSON5 from "json5"
import * as ConfigEdit from "../src/ConfigEdit.js"
import * as ModelRef from "../src/ModelRef.js"

const KEY = "sk-or-v1-0123456789abcdef0123456789abcdef"
const OTHER_KEY = "sk-or-v1-ffffeeeeddddccccbbbbaaaa99998888"

const right = <A, E>(result: Either.Either<A, E>): A => {
  if (Either.isLeft(result)) throw new Error(`expected Right, got ${JSON.stringify(result.left)}`)
  return result.right
}

const left = <A, E>(result: Either.Either<A, E>): E => {
  if (Either.isRight(result)) throw new Error(`expected Left, got ${JSON.stringify(result.right)}`)
  return result.left
}

const onboard = (raw: unknown, environment: Record<string, string> = {}) =>
  ConfigEdit.onboard(raw, { apiKey: KEY, environment })

// What `JSON5.parse` gives for a typical existing config: `${VAR}` references are still text.
const existing = () =>
  JSON5.parse(`{
  // a comment JSON5 drops
  gateway: { port: 18789, bind: "loopback", auth: { token: "\${GATEWAY_TOKEN}" } },
  agents: {
    list: [{ id: "main" }],
    defaults: {
      workspace: "~/work",
      model: { primary: "anthropic/claude-opus-4-6", fallbacks: ["openai/gpt-5"] },
      models: {
        "anthropic/claude-opus-4-6": { alias: "Opus" },
        "openrouter/auto": { alias: "Router", params: { temperature: 0.2 } },
      },
      thinkingDefault: "low",
    },
  },
  channels: { telegram: { botToken: "\${TELEGRAM_TOKEN}", allowFrom: ["+15555550123"] } },
  models: { providers: { anthropic: { apiKey: "\${ANTHROPIC_API_KEY}", baseUrl: "https://api.anthropic.com" } } },
  env: { BRAVE_API_KEY: "\${BRAVE}", shellEnv: { enabled: true } },
}`) as Record<string, unknown>

const at = (value: unknown, ...path: ReadonlyArray<string>): unknown =>
  path.reduce<unknown>((acc, key) => (acc as Record<string, unknown> | undefined)?.[key], value)

describe("ConfigEdit.onboard", () => {
  it("onboards an empty document", () => {
    const edit = right(onboard({}))
    expect(edit.document).toStrictEqual({
      env: { OPENROUTER_API_KEY: KEY },
      agents: { defaults: { model: { primary: "openrouter/auto" }, models: { "openrouter/auto": { alias: "OpenRouter" } } } }
    })
    expect(JSON.stringify(edit.document)).toBe(
      JSON.stringify({
        env: { OPENROUTER_API_KEY: KEY },
        agents: { defaults: { model: { primary: "openrouter/auto" }, models: { "openrouter/auto": { alias: "OpenRouter" } } } }
      })
    )
    expect(edit.warnings).toEqual([])
    expect(edit.changes.map((c) => [c.path, c.action])).toEqual([
      ["env.OPENROUTER_API_KEY", "set"],
      ["agents.defaults.model.primary", "set"],
      ['agents.defaults.models["openrouter/auto"].alias', "set"]
    ])
    for (const change of edit.changes) expect(change.description).not.toContain(KEY)
    expect(edit.changes[0]?.description).toContain("sk-or-v1-…cdef")
  })

  it("treats a missing document (no file yet) as empty", () => {
    expect(right(onboard(undefined)).document).toStrictEqual(right(onboard({})).document)
  })

  it("keeps every unrelated key byte-identical and in order, ${VAR} references included", () => {
    const raw = existing()
    const edit = right(onboard(raw))
    const doc = edit.document
    expect(Object.keys(doc)).toEqual(["gateway", "agents", "channels", "models", "env"])
    for (const key of ["gateway", "channels", "models"]) {
      expect(JSON.stringify(doc[key])).toBe(JSON.stringify(raw[key]))
    }
    expect(at(doc, "models", "providers", "anthropic", "apiKey")).toBe("${ANTHROPIC_API_KEY}")
    expect(at(doc, "gateway", "auth", "token")).toBe("${GATEWAY_TOKEN}")
    expect(JSON.stringify(doc.env)).toBe(
      JSON.stringify({ BRAVE_API_KEY: "${BRAVE}", shellEnv: { enabled: true }, OPENROUTER_API_KEY: KEY })
    )
    expect(JSON.stringify(doc.agents)).toBe(
      JSON.stringify({
        list: [{ id: "main" }],
        defaults: {
          workspace: "~/work",
          model: { primary: "openrouter/auto", fallbacks: ["openai/gpt-5"] },
          models: {
            "anthropic/claude-opus-4-6": { alias: "Opus" },
            "openrouter/auto": { alias: "Router", params: { temperature: 0.2 } }
          },
          thinkingDefault: "low"
        }
      })
    )
  })

  it("respects the env.vars form", () => {
    const raw = { env: { vars: { OTHER: "x" }, shellEnv: { enabled: false } } }
    const edit = right(onboard(raw))
    expect(JSON.stringify(edit.document.env)).toBe(
      JSON.stringify({ vars: { OTHER: "x", OPENROUTER_API_KEY: KEY }, shellEnv: { enabled: false } })
    )
    expect(edit.changes[0]?.path).toBe("env.vars.OPENROUTER_API_KEY")
    expect(at(edit.document, "env", "OPENROUTER_API_KEY")).toBeUndefined()
  })

  it("replaces an existing key in place, and says so masked", () => {
    const raw = { env: { A: "1", OPENROUTER_API_KEY: OTHER_KEY, B: "2" } }
    const edit = right(onboard(raw))
    expect(JSON.stringify(edit.document.env)).toBe(JSON.stringify({ A: "1", OPENROUTER_API_KEY: KEY, B: "2" }))
    expect(edit.changes[0]?.action).toBe("set")
    expect(edit.changes[0]?.description).not.toContain(OTHER_KEY)
    expect(edit.changes[0]?.description).toContain("…8888")
    const again = right(onboard(edit.document))
    expect(again.changes[0]?.action).toBe("kept")
  })

  it("keeps an existing alias and the entry's other fields; sets OpenRouter when there is none", () => {
    const kept = right(
      onboard({ agents: { defaults: { models: { "openrouter/auto": { params: { x: 1 }, alias: "Auto" } } } } })
    )
    expect(JSON.stringify(at(kept.document, "agents", "defaults", "models"))).toBe(
      JSON.stringify({ "openrouter/auto": { params: { x: 1 }, alias: "Auto" } })
    )
    const added = right(onboard({ agents: { defaults: { models: { "openrouter/auto": { params: { x: 1 } } } } } }))
    expect(JSON.stringify(at(added.document, "agents", "defaults", "models"))).toBe(
      JSON.stringify({ "openrouter/auto": { params: { x: 1 }, alias: "OpenRouter" } })
    )
  })

  it("moves a legacy openrouter/openrouter/auto entry to the canonical key", () => {
    const raw = { agents: { defaults: { models: { a: {}, "openrouter/openrouter/auto": { alias: "Old" }, b: {} } } } }
    const edit = right(onboard(raw))
    expect(JSON.stringify(at(edit.document, "agents", "defaults", "models"))).toBe(
      JSON.stringify({ a: {}, "openrouter/auto": { alias: "Old" }, b: {} })
    )
    expect(edit.changes.some((c) => c.action === "moved")).toBe(true)
  })

  it("keeps fallbacks", () => {
    const raw = { agents: { defaults: { model: { fallbacks: ["a/b", "c/d"], primary: "x/y" } } } }
    const model = at(right(onboard(raw)).document, "agents", "defaults", "model")
    expect(JSON.stringify(model)).toBe(JSON.stringify({ fallbacks: ["a/b", "c/d"], primary: "openrouter/auto" }))
  })

  it("turns a string model into an object", () => {
    const raw = { agents: { defaults: { model: "anthropic/claude-opus-4-6" } } }
    expect(at(right(onboard(raw)).document, "agents", "defaults", "model")).toStrictEqual({ primary: "openrouter/auto" })
  })

  it("warns, without the key, when the environment shadows the stored key", () => {
    const edit = right(onboard({}, { OPENROUTER_API_KEY: OTHER_KEY }))
    expect(edit.warnings).toHaveLength(1)
    expect(edit.warnings[0]).toContain("OPENROUTER_API_KEY")
    for (const text of [KEY, OTHER_KEY, KEY.slice(-4), OTHER_KEY.slice(-4)]) expect(edit.warnings[0]).not.toContain(text)
    expect(right(onboard({}, { OPENROUTER_API_KEY: KEY })).warnings).toEqual([])
    expect(right(onboard({}, { OPENROUTER_API_KEY: "  " })).warnings).toEqual([])
  })

  it("refuses a blank key", () => {
    for (const apiKey of ["", "   ", "\n\t"]) {
      const error = left(ConfigEdit.onboard({}, { apiKey, environment: {} }))
      expect(error._tag).toBe("ConfigError")
    }
  })

  it("trims the key", () => {
    const edit = right(ConfigEdit.onboard({}, { apiKey: `  ${KEY}\n`, environment: {} }))
    expect(at(edit.document, "env", "OPENROUTER_API_KEY")).toBe(KEY)
  })

  it("refuses a root that is not an object, and values on the way that are not objects", () => {
    for (const raw of [[], [1, 2], "text", 3, null]) {
      expect(left(onboard(raw))._tag).toBe("ConfigError")
    }
    const env = left(onboard({ env: "nope" }))
    expect(env.path).toBe("env")
    const model = left(onboard({ agents: { defaults: { model: 42 } } }))
    expect(model.path).toBe("agents.defaults.model")
    const models = left(onboard({ agents: { defaults: { models: [] } } }))
    expect(models.path).toBe("agents.defaults.models")
  })

  it("does not mutate its input", () => {
    const raw = existing()
    const before = structuredClone(raw)
    right(onboard(raw, { OPENROUTER_API_KEY: OTHER_KEY }))
    expect(raw).toStrictEqual(before)
    const string = { agents: { defaults: { model: "a/b", models: { "openrouter/openrouter/auto": {} } } } }
    const stringBefore = structuredClone(string)
    right(onboard(string))
    expect(string).toStrictEqual(stringBefore)
  })
})

describe("ConfigEdit.setModel", () => {
  const primaryOf = (raw: unknown, ref: string) =>
    at(right(ConfigEdit.setModel(raw, ref)).document, "agents", "defaults", "model", "primary")

  it("sets the canonical key of each accepted form", () => {
    expect(primaryOf({}, "openrouter/anthropic/claude-sonnet-4-6")).toBe("openrouter/anthropic/claude-sonnet-4-6")
    expect(primaryOf({}, "anthropic/x")).toBe("openrouter/anthropic/x")
    expect(primaryOf({}, "auto")).toBe("openrouter/auto")
    expect(primaryOf({}, "openrouter:auto")).toBe("openrouter/auto")
  })

  it("keeps fallbacks and every other key, in order", () => {
    const raw = existing()
    const before = structuredClone(raw)
    const edit = right(ConfigEdit.setModel(raw, "openai/gpt-5"))
    expect(raw).toStrictEqual(before)
    expect(Object.keys(edit.document)).toEqual(Object.keys(raw))
    const defaults = at(edit.document, "agents", "defaults") as Record<string, unknown>
    expect(JSON.stringify(defaults)).toBe(
      JSON.stringify({
        ...(at(raw, "agents", "defaults") as object),
        model: { primary: "openrouter/openai/gpt-5", fallbacks: ["openai/gpt-5"] }
      })
    )
    for (const key of ["gateway", "channels", "models", "env"]) {
      expect(JSON.stringify(edit.document[key])).toBe(JSON.stringify(raw[key]))
    }
    expect(edit.changes).toEqual([
      expect.objectContaining({ path: "agents.defaults.model.primary", action: "set" })
    ])
  })

  it("turns a string model into an object and creates no models entry", () => {
    const edit = right(ConfigEdit.setModel({ agents: { defaults: { model: "a/b" } } }, "c/d"))
    expect(edit.document).toStrictEqual({ agents: { defaults: { model: { primary: "openrouter/c/d" } } } })
  })

  it("migrates the legacy duplicated key in place", () => {
    const raw = {
      agents: {
        defaults: {
          models: { "a/b": { alias: "A" }, "openrouter/openrouter/auto": { alias: "R", params: { p: 1 } }, "c/d": {} }
        }
      }
    }
    const before = structuredClone(raw)
    const edit = right(ConfigEdit.setModel(raw, "openrouter/auto"))
    expect(raw).toStrictEqual(before)
    const models = at(edit.document, "agents", "defaults", "models") as Record<string, unknown>
    expect(Object.keys(models)).toEqual(["a/b", "openrouter/auto", "c/d"])
    expect(models["openrouter/auto"]).toStrictEqual({ alias: "R", params: { p: 1 } })
    expect(edit.changes).toContainEqual(
      expect.objectContaining({ action: "moved", path: 'agents.defaults.models["openrouter/openrouter/auto"]' })
    )
    expect(edit.warnings).toEqual([])
  })

  it("keeps the canonical entry and leaves the legacy one, with a warning, when both exist", () => {
    const raw = { agents: { defaults: { models: { "openrouter/openrouter/auto": { alias: "Old" }, "openrouter/auto": { alias: "New" } } } } }
    const edit = right(ConfigEdit.setModel(raw, "auto"))
    expect(at(edit.document, "agents", "defaults", "models")).toStrictEqual(raw.agents.defaults.models)
    expect(edit.warnings).toHaveLength(1)
    expect(edit.changes.some((c) => c.action === "moved")).toBe(false)
  })

  it("refuses an @profile ref", () => {
    const error = left(ConfigEdit.setModel({}, "openrouter/anthropic/claude@work"))
    expect(error._tag).toBe("InvalidModelRef")
    expect(left(ConfigEdit.setModel({}, "@work"))._tag).toBe("InvalidModelRef")
  })

  it("resolves openrouter:free from the document", () => {
    const raw = { agents: { defaults: { models: { "openrouter/meta-llama/llama-3.3-70b-instruct:free": {} } } } }
    expect(primaryOf(raw, "openrouter:free")).toBe("openrouter/meta-llama/llama-3.3-70b-instruct:free")
    const fromProvider = { models: { providers: { openrouter: { models: [{ id: "qwen/qwen3:free" }] } } } }
    expect(primaryOf(fromProvider, "openrouter:free")).toBe("openrouter/qwen/qwen3:free")
    expect(left(ConfigEdit.setModel({}, "openrouter:free"))._tag).toBe("InvalidModelRef")
  })

  it("refuses a root that is not an object", () => {
    expect(left(ConfigEdit.setModel([], "auto"))._tag).toBe("ConfigError")
  })
})

describe("ConfigEdit.withoutSecrets", () => {
  it("masks key-like fields and env values, keeps the rest", () => {
    const raw = {
      env: { OPENROUTER_API_KEY: KEY, vars: { SOME_VAR: "plain-value-long-enough" }, shellEnv: { enabled: true, label: "x" } },
      models: {
        providers: {
          openrouter: { apiKey: OTHER_KEY, baseUrl: "https://openrouter.ai/api/v1", headers: { Authorization: "Bearer abcdefghijklmnop" } },
          anthropic: { apiKey: "${ANTHROPIC_API_KEY}" }
        }
      },
      gateway: { auth: { token: "a-very-long-gateway-token-value" }, password: "hunter2" },
      secrets: ["first-secret-value-1234", "second-secret-value-5678"],
      agents: { defaults: { model: { primary: "openrouter/auto" }, maxTokens: 4096 } },
      note: `my key is ${KEY}`
    }
    const before = structuredClone(raw)
    const shown = ConfigEdit.withoutSecrets(raw)
    expect(raw).toStrictEqual(before)
    const text = JSON.stringify(shown)
    for (const secret of [KEY, OTHER_KEY, "plain-value-long-enough", "a-very-long-gateway-token-value", "hunter2", "abcdefghijklmnop", "first-secret", "second-secret"]) {
      expect(text).not.toContain(secret)
    }
    expect(at(shown, "env", "OPENROUTER_API_KEY")).toBe("sk-or-v1-…cdef")
    expect(at(shown, "env", "vars", "SOME_VAR")).toBe("…ough")
    expect(at(shown, "env", "shellEnv")).toStrictEqual({ enabled: true, label: "x" })
    expect(at(shown, "models", "providers", "openrouter", "baseUrl")).toBe("https://openrouter.ai/api/v1")
    expect(at(shown, "models", "providers", "anthropic", "apiKey")).toBe("${ANTHROPIC_API_KEY}")
    expect(at(shown, "gateway", "password")).toBe("****")
    expect(at(shown, "agents")).toStrictEqual(raw.agents)
    expect(Object.keys(shown as object)).toEqual(Object.keys(raw))
  })

  it("leaves non-objects alone but still redacts key-looking text", () => {
    expect(ConfigEdit.withoutSecrets([1, "a"])).toEqual([1, "a"])
    expect(ConfigEdit.withoutSecrets(KEY)).toBe("sk-or-v1-…cdef")
    expect(ConfigEdit.withoutSecrets(null)).toBe(null)
  })
})

// Arbitrary JSON objects, sometimes with `env`/`agents` of the shapes onboarding meets.
const modelArb = fc.oneof(
  fc.string(),
  fc.record(
    { primary: fc.string(), fallbacks: fc.array(fc.string(), { maxLength: 3 }), other: fc.jsonValue() },
    { requiredKeys: [] }
  )
)
const entryArb = fc.dictionary(fc.constantFrom("alias", "params", "x"), fc.jsonValue(), { maxKeys: 3 })
const modelsArb = fc.dictionary(
  fc.oneof(fc.constantFrom("openrouter/auto", "openrouter/openrouter/auto", "openrouter/a/b:free"), fc.string()),
  entryArb,
  { maxKeys: 4 }
)
const agentsArb = fc.record(
  {
    defaults: fc.record({ model: modelArb, models: modelsArb, workspace: fc.string() }, { requiredKeys: [] }),
    list: fc.jsonValue()
  },
  { requiredKeys: [] }
)
const envArb = fc.oneof(
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
  fc.record(
    { vars: fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }), OPENROUTER_API_KEY: fc.string() },
    { requiredKeys: [] }
  )
)
const documentArb = fc
  .tuple(
    fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 6 }),
    fc.option(envArb, { nil: undefined }),
    fc.option(agentsArb, { nil: undefined })
  )
  .map(([rest, env, agents]) => {
    const doc: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(rest)) Object.defineProperty(doc, k, { value: v, enumerable: true, writable: true, configurable: true })
    if (env !== undefined) doc.env = env
    if (agents !== undefined) doc.agents = agents
    return doc
  })

const apiKeyArb = fc.string({ minLength: 1 }).filter((s) => s.trim() !== "")

const acceptedRef = fc.oneof(
  fc.constantFrom("auto", "openrouter/auto", "openrouter:auto", "openrouter/openrouter/fusion"),
  fc
    .tuple(
      fc.stringMatching(/^[a-z0-9~][a-z0-9-]{0,10}$/),
      fc.stringMatching(/^[a-z0-9][a-z0-9.\-]{0,12}(?::free|:nitro)?$/),
      fc.boolean()
    )
    .map(([author, model, prefix]) => `${prefix ? "openrouter/" : ""}${author}/${model}`)
)

describe("ConfigEdit properties", () => {
  it.prop(
    "onboard never throws, never mutates, and keeps every other top-level key",
    [documentArb, apiKeyArb],
    ([raw, apiKey]) => {
      const before = structuredClone(raw)
      const result = ConfigEdit.onboard(raw, { apiKey, environment: {} })
      expect(raw).toStrictEqual(before)
      if (Either.isRight(result)) {
        const doc = result.right.document
        for (const key of Object.keys(raw)) {
          if (key === "env" || key === "agents") continue
          expect(Object.hasOwn(doc, key)).toBe(true)
          expect(doc[key]).toStrictEqual(raw[key])
        }
        expect(Object.keys(doc).filter((k) => k !== "env" && k !== "agents")).toEqual(
          Object.keys(raw).filter((k) => k !== "env" && k !== "agents")
        )
        for (const text of [...result.right.warnings, ...result.right.changes.map((c) => c.description)]) {
          if (apiKey.trim().length >= 16) expect(text).not.toContain(apiKey.trim())
        }
      }
    },
    { fastCheck: { numRuns: propertyRuns(500) } }
  )

  it.prop(
    "onboard of arbitrary JSON values never throws",
    [fc.jsonValue()],
    ([raw]) => {
      const result = ConfigEdit.onboard(raw, { apiKey: KEY, environment: {} })
      expect(Either.isRight(result) || result.left._tag === "ConfigError").toBe(true)
    },
    { fastCheck: { numRuns: propertyRuns(500) } }
  )

  it.prop(
    "onboarding twice equals onboarding once",
    [documentArb, apiKeyArb],
    ([raw, apiKey]) => {
      const once = ConfigEdit.onboard(raw, { apiKey, environment: {} })
      if (Either.isLeft(once)) return
      const twice = right(ConfigEdit.onboard(once.right.document, { apiKey, environment: {} }))
      expect(JSON.stringify(twice.document)).toBe(JSON.stringify(once.right.document))
      expect(twice.changes.every((c) => c.action === "kept")).toBe(true)
    },
    { fastCheck: { numRuns: propertyRuns(500) } }
  )

  it.prop(
    "setModel then parse of the primary gives the ref's slug",
    [documentArb, acceptedRef],
    ([raw, ref]) => {
      const before = structuredClone(raw)
      const result = ConfigEdit.setModel(raw, ref)
      expect(raw).toStrictEqual(before)
      if (Either.isLeft(result)) {
        expect(result.left._tag).toBe("ConfigError")
        return
      }
      const primary = at(result.right.document, "agents", "defaults", "model", "primary")
      expect(typeof primary).toBe("string")
      expect(ModelRef.parse(primary as string)).toEqual(ModelRef.parse(ref))
      expect(right(ModelRef.parse(primary as string)).slug).toBe(right(ModelRef.parse(ref)).slug)
    },
    { fastCheck: { numRuns: propertyRuns(500) } }
  )
})

// Issue 17, defect 9: an edit writes `constructor` and `prototype` back as the data they are,
// and a document carrying "__proto__" never lends the edit its prototype's values.
describe("prototype keys through an edit (issue 17)", () => {
  it("constructor and prototype stay own data in the written document", () => {
    const raw = JSON5.parse(`{ constructor: { models: 1 }, prototype: "p", agents: { defaults: { params: { constructor: 2 } } } }`) as Record<string, unknown>
    const edit = ConfigEdit.setModel(raw, "openrouter/openai/gpt-4o")
    expect(Either.isRight(edit)).toBe(true)
    if (Either.isLeft(edit)) return
    const document = edit.right.document as Record<string, unknown>
    expect(Object.getPrototypeOf(document)).toBe(Object.prototype)
    expect(Object.getOwnPropertyDescriptor(document, "constructor")?.value).toEqual({ models: 1 })
    expect(document["prototype"]).toBe("p")
    expect(JSON5.parse(JSON5.stringify(document))).toMatchObject({ constructor: { models: 1 }, agents: { defaults: { params: { constructor: 2 }, model: { primary: "openrouter/openai/gpt-4o" } } } })
  })

  it("a __proto__ carrying a base URL is not read as the document's own: the edit is refused or keeps it inert", () => {
    const raw = JSON.parse(`{"__proto__": {"models": {"providers": {"openrouter": {"baseUrl": "https://evil.example/api/v1"}}}}}`) as Record<string, unknown>
    for (const edit of [ConfigEdit.setModel(raw, "openrouter/auto"), ConfigEdit.onboard(raw, { apiKey: "sk-or-v1-0123456789abcdef0123456789abcdef", environment: {} })]) {
      if (Either.isLeft(edit)) continue
      const document = edit.right.document as Record<string, unknown>
      expect(Object.getPrototypeOf(document)).toBe(Object.prototype)
      expect(document["models"]).toBeUndefined()
    }
  })
})
