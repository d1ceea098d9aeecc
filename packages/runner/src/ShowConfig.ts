/**
 * The text `npm start` prints for now: the resolved configuration (key masked) and the bundled
 * model catalogue. Pure: it formats what it is given.
 *
 * @since 0.1.0
 */
import * as Catalog from "@openrouter-effect/core/Catalog"
import * as JsonText from "@openrouter-effect/core/JsonText"
import type * as ConfigLocation from "@openrouter-effect/core/ConfigLocation"
import * as ModelRef from "@openrouter-effect/core/ModelRef"
import * as Secret from "@openrouter-effect/core/Secret"
import * as Settings from "@openrouter-effect/core/Settings"
import * as Option from "effect/Option"

/** What the config file read found. @since 0.1.0 @category Models */
export type FileState = "read" | "missing"

const yesNo = (value: boolean): string => (value ? "yes" : "no")

const cacheLine = (cache: Settings.Chat["responseCache"]): string => {
  if (cache.enabled === undefined) return "not configured (no cache headers)"
  if (!cache.enabled) return "off"
  const ttl = cache.ttlSeconds === undefined ? "OpenRouter's default TTL" : `TTL ${cache.ttlSeconds} s`
  return `on, ${ttl}${cache.clear ? ", clear" : ""}`
}

const money = (value: number): string => `$${value}`

/**
 * The resolved configuration, one setting a line.
 *
 * @since 0.1.0 @category Formatting
 */
export const configuration = (
  location: ConfigLocation.Location,
  fileState: FileState,
  chat: Settings.Chat
): ReadonlyArray<string> => {
  const key = Option.match(chat.key.apiKey, {
    onNone: () => "not set (set OPENROUTER_API_KEY or run onboarding)",
    onSome: (apiKey) => `${Secret.mask(apiKey)} (from ${Settings.describeKeySource(chat.key.source)})`
  })
  const route = chat.route
  const lines = [
    "Resolved configuration",
    `  config file     ${location.file} (${fileState === "read" ? "read" : "not found: the environment alone is used"}; chosen by ${location.source})`,
    `  state dir       ${location.stateDir}`,
    `  model           ${chat.model.key} → API slug ${chat.model.slug} (${chat.modelSource})`,
    `  base URL        ${chat.baseUrl} (${route.endpointClass}; host-verified ${yesNo(route.hostVerified)}, exact-verified ${
      yesNo(route.exactVerified)
    })`,
    `  API key         ${key}`,
    `  thinking        ${chat.thinking}`,
    `  response cache  ${cacheLine(chat.responseCache)}`,
    `  params          ${JsonText.stringify(chat.params, 0)}`,
    `  headers         ${Object.keys(chat.headers).length === 0 ? "none configured" : Object.keys(chat.headers).join(", ")}`
  ]
  return chat.warnings.length === 0 ? lines : [...lines, ...chat.warnings.map((warning) => `  warning: ${warning}`)]
}

/**
 * The bundled catalogue as a table, the selected model marked with `*`.
 *
 * @since 0.1.0 @category Formatting
 */
export const catalogue = (selectedSlug: string): ReadonlyArray<string> => {
  const rows = Catalog.bundled.map((entry) => [
    entry.id === selectedSlug ? "*" : " ",
    ModelRef.keyOf(entry.id),
    entry.name,
    entry.reasoning ? "yes" : "no",
    entry.input.join("+"),
    String(entry.contextWindow),
    String(entry.maxTokens),
    `${money(entry.cost.input)} / ${money(entry.cost.output)}`
  ])
  const header = [" ", "ref", "name", "reasoning", "input", "context", "max out", "$ per 1M in / out"]
  const table = [header, ...rows]
  const widths = header.map((_, column) => Math.max(...table.map((row) => (row[column] ?? "").length)))
  return [
    "Bundled model catalogue (any other OpenRouter slug works too)",
    ...table.map((row) => `  ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ").trimEnd()}`)
  ]
}
