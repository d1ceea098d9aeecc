/**
 * @openrouter-effect/runner: the `openrouter-effect` command line.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as ShowConfig from "./ShowConfig.js"
