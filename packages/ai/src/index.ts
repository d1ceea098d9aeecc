/**
 * @openrouter-effect/ai: `@effect/ai`'s `LanguageModel` for OpenRouter, on top of
 * `@openrouter-effect/client`'s `Chat`.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as OpenRouterLanguageModel from "./OpenRouterLanguageModel.js"
