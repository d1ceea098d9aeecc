/**
 * @openrouter-effect/workflow: durable OpenRouter video jobs on @effect/workflow and
 * @effect/cluster.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as SubmitLedger from "./SubmitLedger.js"
/** @since 0.1.0 */
export * as VideoSteps from "./VideoSteps.js"
/** @since 0.1.0 */
export * as VideoWorkflow from "./VideoWorkflow.js"
/** @since 0.1.0 */
export * as Engine from "./Engine.js"
/** @since 0.1.0 */
export * as Worker from "./Worker.js"
