// Compile-time checks (this file is type-checked by `tsc -b`): a misspelt field of a message, of a
// content part or of the model's config is a type error, not a request that fails at run time.
import { LanguageModel } from "@effect/ai"
import { expect, it } from "@effect/vitest"
import { OpenRouterLanguageModel } from "../src/index.js"

export const misspelt = () => {
  // @ts-expect-error `rol` is not a field of a message
  LanguageModel.generateText({ prompt: [{ rol: "user", content: "hi" }] })
  // @ts-expect-error `contnt` is not a field of a message
  LanguageModel.generateText({ prompt: [{ role: "user", contnt: "hi" }] })
  // @ts-expect-error a message's role is one of system, user, assistant, tool
  LanguageModel.generateText({ prompt: [{ role: "human", content: "hi" }] })
  // @ts-expect-error `txt` is not a field of a text part
  LanguageModel.generateText({ prompt: [{ role: "user", content: [{ type: "text", txt: "hi" }] }] })
  // @ts-expect-error `temprature` is not a field of the config
  OpenRouterLanguageModel.model("openai/gpt-4o", { temprature: 0.2 })
  // @ts-expect-error `temperature` is a number
  OpenRouterLanguageModel.model("openai/gpt-4o", { temperature: "hot" })
  // @ts-expect-error the structured mode is "auto", "json_schema" or "tool"
  OpenRouterLanguageModel.model("openai/gpt-4o", { structuredOutputs: "json" })
  // The correct spellings compile.
  LanguageModel.generateText({ prompt: [{ role: "user", content: [{ type: "text", text: "hi" }] }] })
  for (const structuredOutputs of ["auto", "json_schema", "tool"] as const) {
    OpenRouterLanguageModel.model("openai/gpt-4o", { structuredOutputs })
  }
  return OpenRouterLanguageModel.model("openai/gpt-4o", { temperature: 0.2, chat: { thinking: "low" } })
}

it("the checks above are compiled (tsc -b)", () => expect(typeof misspelt).toBe("function"))
