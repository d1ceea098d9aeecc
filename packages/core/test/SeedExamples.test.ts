// Every config example of the provider documentation (seed-openrouter-provider.md) parses and
// resolves as it is.
import { describe, expect, it } from "@effect/vitest"
import { Either, Option, Redacted } from "effect"
import * as ConfigDocument from "../src/ConfigDocument.js"
import * as Settings from "../src/Settings.js"

const parse = (text: string) => {
  const parsed = ConfigDocument.parseText(text, "openclaw.json")
  if (Either.isLeft(parsed)) throw new Error(parsed.left.message)
  return parsed.right.document
}
const ok = <A, E extends { readonly message: string }>(result: Either.Either<A, E>): A => {
  if (Either.isLeft(result)) throw new Error(result.left.message)
  return result.right
}

describe("the seed's config examples", () => {
  it("the basic example: the key from env, openrouter/auto as primary", () => {
    const document = parse(`{
  env: { OPENROUTER_API_KEY: "sk-or-..." },
  agents: {
    defaults: {
      model: { primary: "openrouter/auto" },
    },
  },
}`)
    const chat = ok(Settings.resolveChat(document, {}))
    expect(chat.model.slug).toBe("openrouter/auto")
    expect(Option.map(chat.key.apiKey, Redacted.value)).toEqual(Option.some("sk-or-..."))
  })

  it("image generation", () => {
    const document = parse(`{
  env: { OPENROUTER_API_KEY: "sk-or-..." },
  agents: {
    defaults: {
      imageGenerationModel: {
        primary: "openrouter/google/gemini-3.1-flash-image-preview",
        timeoutMs: 180_000,
      },
    },
  },
}`)
    const media = ok(Settings.resolveMedia(document, {}, { kind: "image" }))
    expect(media.model.slug).toBe("google/gemini-3.1-flash-image-preview")
    expect(media.timeoutMs).toBe(180_000)
  })

  it("video generation", () => {
    const document = parse(`{
  env: { OPENROUTER_API_KEY: "sk-or-..." },
  agents: {
    defaults: {
      videoGenerationModel: {
        primary: "openrouter/google/veo-3.1-fast",
      },
    },
  },
}`)
    expect(ok(Settings.resolveMedia(document, {}, { kind: "video" })).model.slug).toBe("google/veo-3.1-fast")
  })

  it("text-to-speech", () => {
    const document = parse(`{
  messages: {
    tts: {
      auto: "always",
      provider: "openrouter",
      providers: {
        openrouter: {
          model: "hexgrad/kokoro-82m",
          voice: "af_alloy",
          responseFormat: "mp3",
        },
      },
    },
  },
}`)
    const speech = ok(Settings.resolveSpeech(document, { OPENROUTER_API_KEY: "sk-or-env" }))
    expect(speech).toMatchObject({ voice: "af_alloy", responseFormat: "mp3", auto: "always", selectedProvider: "openrouter" })
    expect(speech.key.source).toBe("environment")
  })

  it("response caching", () => {
    const document = parse(`{
  agents: {
    defaults: {
      models: {
        "openrouter/auto": {
          params: {
            responseCache: true,
            responseCacheTtlSeconds: 300,
          },
        },
      },
    },
  },
}`)
    expect(ok(Settings.resolveChat(document, {})).responseCache).toEqual({ enabled: true, ttlSeconds: 300, clear: false })
  })
})

describe("digit separators", () => {
  it("are removed from numbers only, never from strings, keys or comments", () => {
    expect(ConfigDocument.stripDigitSeparators(`{ a_b: 1_000, s: "1_000", 'x_1': 2_5.5, // 3_000\n c: 0x1_F }`))
      .toBe(`{ a_b: 1000, s: "1_000", 'x_1': 25.5, // 3_000\n c: 0x1F }`)
  })

  it("a genuine syntax error keeps its own position", () => {
    const parsed = ConfigDocument.parseText(`{ a: 1_000,\n b: }`)
    expect(Either.isLeft(parsed) && parsed.left.line).toBe(2)
  })
})
