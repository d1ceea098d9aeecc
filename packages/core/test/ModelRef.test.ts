import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck as fc } from "effect"
import * as Catalog from "../src/Catalog.js"
import * as ModelRef from "../src/ModelRef.js"

const slugOf = (input: string, document?: unknown) => {
  const result = ModelRef.resolve(input, document === undefined ? {} : { document })
  if (Either.isLeft(result)) throw new Error(`expected ${JSON.stringify(input)} to resolve: ${result.left.message}`)
  return result.right
}

const errorOf = (input: string, document?: unknown) => {
  const result = ModelRef.resolve(input, document === undefined ? {} : { document })
  if (Either.isRight(result)) throw new Error(`expected ${JSON.stringify(input)} to fail, got ${result.right.slug}`)
  return result.left
}

describe("ModelRef: the examples of reference §1.1", () => {
  const rows: ReadonlyArray<readonly [string, string, string]> = [
    // input, API slug, canonical config key
    ["openrouter/auto", "openrouter/auto", "openrouter/auto"],
    ["auto", "openrouter/auto", "openrouter/auto"],
    ["openrouter:auto", "openrouter/auto", "openrouter/auto"],
    ["OpenRouter:AUTO", "openrouter/auto", "openrouter/auto"],
    ["openrouter/anthropic/claude-sonnet-4-6", "anthropic/claude-sonnet-4-6", "openrouter/anthropic/claude-sonnet-4-6"],
    ["openrouter/openrouter/fusion", "openrouter/fusion", "openrouter/fusion"],
    // found by the round-trip property: a longer slug under the author openrouter keeps its prefix
    ["openrouter/openrouter/a/b", "openrouter/a/b", "openrouter/openrouter/a/b"],
    ["openrouter/moonshotai/kimi-k2.6", "moonshotai/kimi-k2.6", "openrouter/moonshotai/kimi-k2.6"],
    ["anthropic/claude-sonnet-4-6", "anthropic/claude-sonnet-4-6", "openrouter/anthropic/claude-sonnet-4-6"],
    ["  openrouter/auto  ", "openrouter/auto", "openrouter/auto"],
    ["OPENROUTER/openai/gpt-4o", "openai/gpt-4o", "openrouter/openai/gpt-4o"],
    ["openrouter/@preset/kimi-2-5", "@preset/kimi-2-5", "openrouter/@preset/kimi-2-5"],
    ["openrouter/anthropic/claude-3-5-sonnet@20241022", "anthropic/claude-3-5-sonnet@20241022", "openrouter/anthropic/claude-3-5-sonnet@20241022"],
    ["openrouter/meta-llama/llama-3.1-8b@q8_0", "meta-llama/llama-3.1-8b@q8_0", "openrouter/meta-llama/llama-3.1-8b@q8_0"],
    ["openrouter/qwen/qwen3@iq3_xxs", "qwen/qwen3@iq3_xxs", "openrouter/qwen/qwen3@iq3_xxs"],
    ["openrouter/mistralai/mistral-7b@4bit", "mistralai/mistral-7b@4bit", "openrouter/mistralai/mistral-7b@4bit"],
    ["openrouter/meta-llama/llama-3.3-70b-instruct:free", "meta-llama/llama-3.3-70b-instruct:free", "openrouter/meta-llama/llama-3.3-70b-instruct:free"],
    ["~anthropic/claude-sonnet-latest", "~anthropic/claude-sonnet-latest", "openrouter/~anthropic/claude-sonnet-latest"],
    ["openrouter/deepseek/deepseek-v4-pro:nitro", "deepseek/deepseek-v4-pro:nitro", "openrouter/deepseek/deepseek-v4-pro:nitro"]
  ]
  for (const [input, slug, key] of rows) {
    it(`${JSON.stringify(input)} → ${slug}`, () => {
      expect(slugOf(input)).toEqual({ slug, key })
    })
  }

  it("the legacy duplicated key is read too, canonical first", () => {
    expect(ModelRef.configKeys(slugOf("openrouter/auto"))).toEqual(["openrouter/auto", "openrouter/openrouter/auto"])
    expect(ModelRef.configKeys(slugOf("openai/gpt-4o"))).toEqual(["openrouter/openai/gpt-4o"])
  })

  it("an @profile suffix is a clear error: there are no auth profiles", () => {
    const error = errorOf("openrouter/@preset/kimi-2-5@work")
    expect(error._tag).toBe("InvalidModelRef")
    expect(error.input).toBe("openrouter/@preset/kimi-2-5@work")
    expect(error.message).toContain("@work")
    expect(error.message).toContain("no auth profiles")
  })

  const invalid: ReadonlyArray<readonly [string, string]> = [
    ["", "empty"],
    ["   ", "empty"],
    ["gpt-4o", "bare name"],
    ["openrouter/", "empty"],
    ["/gpt-4o", "empty"],
    ["openrouter/anthropic/", "empty path segment"],
    ["anthropic//claude", "empty path segment"],
    ["openrouter/open ai/gpt", "spaces"],
    ["openrouter/openai/gpt-4o@", "auth-profile"],
    ["openai/gpt-4o@work", "auth-profile"],
    ["openrouter:something", "bare name"]
  ]
  for (const [input, reason] of invalid) {
    it(`${JSON.stringify(input)} is refused (${reason}), naming the input and the accepted forms`, () => {
      const error = errorOf(input)
      expect(error.message).toContain(JSON.stringify(input))
      expect(error.message).toContain(reason)
      expect(error.message).toContain(ModelRef.ACCEPTED_FORMS)
    })
  }
})

describe("ModelRef: openrouter:free", () => {
  it("needs a config, and says where it looks", () => {
    expect(errorOf("openrouter:free").message).toContain("agents.defaults.models")
  })

  it("resolves to the first free key of agents.defaults.models", () => {
    const document = {
      agents: {
        defaults: {
          models: {
            "openrouter/auto": {},
            "openrouter/qwen:free": {},
            "openrouter/meta-llama/llama-3.3-70b-instruct:free": { alias: "Llama" },
            "openrouter/google/gemma-3-27b-it:free": {}
          }
        }
      },
      models: { providers: { openrouter: { models: [{ id: "mistralai/mistral-7b-instruct:free" }] } } }
    }
    expect(slugOf("openrouter:free", document).slug).toBe("meta-llama/llama-3.3-70b-instruct:free")
  })

  it("falls back to models.providers.openrouter.models[].id", () => {
    const document = {
      agents: { defaults: { models: { "openrouter/openai/gpt-4o": {} } } },
      models: { providers: { openrouter: { models: [{ id: "gpt-free:free" }, { id: "mistralai/mistral-7b-instruct:free" }] } } }
    }
    expect(slugOf("OpenRouter:Free", document)).toEqual({
      slug: "mistralai/mistral-7b-instruct:free",
      key: "openrouter/mistralai/mistral-7b-instruct:free"
    })
  })

  it("is refused when the config names no free model", () => {
    expect(errorOf("openrouter:free", { agents: { defaults: { models: { "openrouter/auto": {} } } } })._tag).toBe(
      "InvalidModelRef"
    )
  })
})

describe("ModelRef: the bundled catalogue", () => {
  it("has openrouter/auto and both Kimi models, and neither bare auto nor the retired stealth models", () => {
    const ids = Catalog.bundled.map((entry) => entry.id)
    expect(ids).toEqual(["openrouter/auto", "moonshotai/kimi-k2.6", "moonshotai/kimi-k2.5"])
    expect(Catalog.find("auto")).toBeUndefined()
    expect(Catalog.find("openrouter/hunter-alpha")).toBeUndefined()
    expect(Catalog.find("openrouter/healer-alpha")).toBeUndefined()
    expect(Catalog.find("moonshotai/kimi-k2.6")).toMatchObject({
      name: "MoonshotAI: Kimi K2.6",
      reasoning: true,
      cost: { input: 0.8, output: 3.5, cacheRead: 0.2, cacheWrite: 0 },
      contextWindow: 262_144,
      maxTokens: 262_144
    })
    expect(Catalog.find("openrouter/auto")).toMatchObject({ reasoning: false, contextWindow: 200_000, maxTokens: 8192 })
  })

  it("the default ref resolves to the catalogue's automatic router", () => {
    expect(slugOf(ModelRef.DEFAULT).slug).toBe(Catalog.bundled[0]?.id)
    expect(Catalog.describe("acme/unknown")).toMatchObject({ name: "acme/unknown", input: ["text"], maxTokens: 8192 })
  })
})

// Refs in every accepted form, plus noise around them.
const segment = fc.stringMatching(/^[a-zA-Z0-9~][a-zA-Z0-9._~-]{0,12}$/)
const suffix = fc.oneof(
  fc.constant(""),
  fc.constantFrom(":free", ":nitro", ":floor", ":thinking", "@20250514", "@q8_0", "@iq3_xxs", "@4bit", "@fp8")
)
const slug = fc.tuple(fc.oneof(segment, fc.constantFrom("@preset", "~anthropic", "openrouter")), segment, suffix).map(
  ([author, name, s]) => `${author}/${name}${s}`
)
const ws = fc.constantFrom("", " ", "\t", "  ")
const acceptedRef = fc.oneof(
  fc.tuple(ws, fc.constantFrom("openrouter", "OpenRouter", "OPENROUTER"), slug, ws).map(([a, p, s, b]) => `${a}${p}/${s}${b}`),
  fc.tuple(ws, slug, ws).map(([a, s, b]) => `${a}${s}${b}`),
  fc.tuple(fc.constantFrom("openrouter/", "OpenRouter/"), segment).map(([p, name]) => `${p}${name}`),
  fc.constantFrom("auto", "AUTO", " auto ", "openrouter:auto", "OpenRouter:Auto", "openrouter/auto")
)
const anyString = fc.oneof(
  acceptedRef,
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.tuple(acceptedRef, fc.string({ maxLength: 6 })).map(([a, b]) => a + b),
  fc.tuple(fc.string({ maxLength: 6 }), acceptedRef).map(([a, b]) => a + b)
)

describe("ModelRef: properties", () => {
  it.prop("parse(format(parse(x))) = parse(x) for every accepted form", [acceptedRef], ([input]) => {
    const first = ModelRef.parse(input)
    expect(Either.isRight(first)).toBe(true)
    if (Either.isRight(first)) {
      expect(ModelRef.parse(ModelRef.format(first.right))).toEqual(first)
    }
  }, { fastCheck: { numRuns: propertyRuns(3000) } })

  it.prop("parse never throws, and round-trips whatever it accepts", [anyString], ([input]) => {
    const first = ModelRef.parse(input)
    if (Either.isRight(first)) {
      expect(ModelRef.parse(ModelRef.format(first.right))).toEqual(first)
      expect(first.right.key).toBe(ModelRef.keyOf(first.right.slug))
    } else {
      expect(first.left._tag).toBe("InvalidModelRef")
      expect(first.left.message).toContain(ModelRef.ACCEPTED_FORMS)
    }
  }, { fastCheck: { numRuns: propertyRuns(3000) } })

  it.prop("openrouter/<slug> and the bare <slug> name the same model", [slug], ([s]) => {
    const withPrefix = ModelRef.parse(`openrouter/${s}`)
    const bare = ModelRef.parse(s)
    expect(Either.isRight(withPrefix)).toBe(Either.isRight(bare))
    if (Either.isRight(withPrefix) && Either.isRight(bare)) expect(withPrefix.right).toEqual(bare.right)
  })
})
