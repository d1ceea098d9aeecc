/**
 * The configuration commands: `config show`, `onboard`, `models set` and `models list`.
 *
 * @since 0.1.0
 */
import * as Prompt from "@effect/cli/Prompt"
import * as Models from "@openrouter-effect/client/Models"
import * as OpenRouterConfig from "@openrouter-effect/client/OpenRouterConfig"
import * as ConfigEdit from "@openrouter-effect/core/ConfigEdit"
import * as JsonText from "@openrouter-effect/core/JsonText"
import * as ModelRef from "@openrouter-effect/core/ModelRef"
import { ConfigError } from "@openrouter-effect/core/OpenRouterError"
import * as Settings from "@openrouter-effect/core/Settings"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as ConfigFile from "../ConfigFile.js"
import * as Output from "../Output.js"
import * as ShowConfig from "../ShowConfig.js"
import { type Context, provideServices } from "./Shared.js"

const printEdit = (file: string, edit: ConfigEdit.Edit) =>
  Effect.gen(function*() {
    yield* Console.log(`Updated ${file}:`)
    for (const change of edit.changes) yield* Console.log(`  ${change.action === "kept" ? "kept " : change.action === "moved" ? "moved" : "set  "} ${change.description}`)
    for (const warning of edit.warnings) yield* Console.error(`warning: ${warning}`)
  })

/** Runs `config show`. @since 0.1.0 @category Commands */
export const show = (context: Context) =>
  Effect.gen(function*() {
    const config = yield* OpenRouterConfig.OpenRouterConfig
    yield* Output.rememberConfiguredKeys(config)
    const chat = yield* config.chat()
    yield* Console.log([
      ...ShowConfig.configuration(context.location, config.fileFound ? "read" : "missing", chat),
      "",
      ...ShowConfig.catalogue(chat.model.slug)
    ].join("\n"))
  }).pipe(Effect.provide(OpenRouterConfig.layerFile(context.location.file, { baseUrl: context.baseUrl })))

/** Runs `onboard`: the key from the flag, else `OPENROUTER_API_KEY`, else a hidden prompt. @since 0.1.0 @category Commands */
export const onboard = (context: Context, args: { readonly apiKey: Option.Option<Redacted.Redacted<string>> }) =>
  Effect.gen(function*() {
    const { location, environment } = context
    const fromEnvironment = environment[Settings.API_KEY_VARIABLE]?.trim()
    const key = Option.isSome(args.apiKey)
      ? Redacted.value(args.apiKey.value)
      : fromEnvironment !== undefined && fromEnvironment !== ""
      ? fromEnvironment
      : process.stdin.isTTY === true
      ? Redacted.value(yield* Prompt.run(Prompt.hidden({ message: "Enter OpenRouter API key" })))
      : yield* Effect.fail(
        new ConfigError({
          message: `No API key: pass --openrouter-api-key KEY, set ${Settings.API_KEY_VARIABLE}, or run onboard in a terminal to be prompted`
        })
      )
    Output.rememberKey(key)
    const loaded = yield* ConfigFile.load(location.file)
    const edit = yield* ConfigEdit.onboard(loaded.raw, { apiKey: key, environment })
    yield* ConfigFile.save(location.file, edit.document)
    yield* printEdit(location.file, edit)
  })

/** Runs `models set REF`. @since 0.1.0 @category Commands */
export const modelsSet = (context: Context, args: { readonly ref: string }) =>
  Effect.gen(function*() {
    const loaded = yield* ConfigFile.load(context.location.file)
    const edit = yield* ConfigEdit.setModel(loaded.raw, args.ref)
    yield* ConfigFile.save(context.location.file, edit.document)
    yield* printEdit(context.location.file, edit)
  })

/** Runs `models list`: the bundled catalogue plus the live one, the default marked. @since 0.1.0 @category Commands */
export const modelsList = (context: Context, args: { readonly json: boolean }) =>
  Effect.gen(function*() {
    const { chat, models } = yield* provideServices(
      context,
      false,
      Models.layer({ stateDir: context.location.stateDir }),
      Effect.gen(function*() {
        const config = yield* OpenRouterConfig.OpenRouterConfig
        yield* Output.rememberConfiguredKeys(config)
        return { chat: yield* config.chat(), models: yield* Effect.flatMap(Models.Models, (service) => service.list) }
      })
    )
    if (args.json) {
      yield* Console.log(JsonText.stringify(models.map((model) => ({ ...model, primary: model.id === chat.model.slug }))))
      return
    }
    for (const model of models) {
      yield* Console.log(`${model.id === chat.model.slug ? "*" : " "} ${ModelRef.keyOf(model.id).padEnd(52)} ${model.source.padEnd(7)} ${model.name}`)
    }
  })
