/**
 * @openrouter-effect/core: the pure domain of openrouter-effect. Only `effect` and `json5`; no I/O.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Catalog from "./Catalog.js"
/** @since 0.1.0 */
export * as ChatRequest from "./ChatRequest.js"
/** @since 0.1.0 */
export * as ChatRequestCheck from "./ChatRequestCheck.js"
/** @since 0.1.0 */
export * as ConfigDocument from "./ConfigDocument.js"
/** @since 0.1.0 */
export * as ConfigEdit from "./ConfigEdit.js"
/** @since 0.1.0 */
export * as ConfigLocation from "./ConfigLocation.js"
/** @since 0.1.0 */
export * as Environment from "./Environment.js"
/** @since 0.1.0 */
export * as HeaderPolicy from "./HeaderPolicy.js"
/** @since 0.1.0 */
export * as JsonText from "./JsonText.js"
/** @since 0.1.0 */
export * as MediaUrl from "./MediaUrl.js"
/** @since 0.1.0 */
export * as ModelRef from "./ModelRef.js"
/** @since 0.1.0 */
export * as OpenRouterError from "./OpenRouterError.js"
/** @since 0.1.0 */
export * as Params from "./Params.js"
/** @since 0.1.0 */
export * as PayloadTransformers from "./PayloadTransformers.js"
/** @since 0.1.0 */
export * as ResponseCache from "./ResponseCache.js"
/** @since 0.1.0 */
export * as RouteVerifier from "./RouteVerifier.js"
/** @since 0.1.0 */
export * as Secret from "./Secret.js"
/** @since 0.1.0 */
export * as TerminalText from "./TerminalText.js"
/** @since 0.1.0 */
export * as Settings from "./Settings.js"
/** @since 0.1.0 */
export * as Thinking from "./Thinking.js"
