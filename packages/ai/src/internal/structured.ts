/**
 * How `generateObject` asks for its object when the mode is `"auto"`: from what the client's
 * model catalogue says about the call's model.
 *
 * @internal
 */
import type { StructuredMode } from "./request.js"

/** The structured-output mode as configured: `"auto"` or a fixed one. @internal */
export type Setting = "auto" | StructuredMode

/** What the choice reads of a model's capabilities (`Models.Capabilities`). @internal */
export interface Support {
  readonly structuredOutputs: boolean | undefined
  readonly tools: boolean | undefined
}

/**
 * The mode for a model: `"tool"` when it says it has no structured outputs (and does not say it
 * has no tools), else `"json_schema"`: when it has them, when it does not say (a bundled or
 * unknown model, a failed lookup), and when it has neither (a forced tool would be refused, while
 * `response_format` at worst is ignored).
 *
 * @internal
 */
export const modeFor = (support: Support | undefined): StructuredMode =>
  support !== undefined && support.structuredOutputs === false && support.tools !== false ? "tool" : "json_schema"
