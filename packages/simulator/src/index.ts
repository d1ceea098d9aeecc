/**
 * @openrouter-effect/simulator: a faithful local OpenRouter over real HTTP.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Faults from "./Faults.js"
/** @since 0.1.0 */
export * as Journal from "./Journal.js"
/** @since 0.1.0 */
export * as Server from "./Server.js"
/** @since 0.1.0 */
export * as Simulator from "./Simulator.js"
/** @since 0.1.0 */
export type * from "./Types.js"
