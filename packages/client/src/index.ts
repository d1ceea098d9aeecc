/**
 * @openrouter-effect/client: Effect services for OpenRouter.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Chat from "./Chat.js"
/** @since 0.1.0 */
export * as AtomicFile from "./AtomicFile.js"
/** @since 0.1.0 */
export * as AudioResponse from "./AudioResponse.js"
/** @since 0.1.0 */
export * as ChatResponse from "./ChatResponse.js"
/** @since 0.1.0 */
export * as ConversationLog from "./ConversationLog.js"
/** @since 0.1.0 */
export * as ImageExtraction from "./ImageExtraction.js"
/** @since 0.1.0 */
export * as Images from "./Images.js"
/** @since 0.1.0 */
export * as Limits from "./Limits.js"
/** @since 0.1.0 */
export * as LocalFile from "./LocalFile.js"
/** @since 0.1.0 */
export * as Models from "./Models.js"
/** @since 0.1.0 */
export * as OpenRouter from "./OpenRouter.js"
/** @since 0.1.0 */
export * as OpenRouterChat from "./OpenRouterChat.js"
/** @since 0.1.0 */
export * as OpenRouterConfig from "./OpenRouterConfig.js"
/** @since 0.1.0 */
export * as OpenRouterHttp from "./OpenRouterHttp.js"
/** @since 0.1.0 */
export * as OutputFile from "./OutputFile.js"
/** @since 0.1.0 */
export * as ReasoningDetails from "./ReasoningDetails.js"
/** @since 0.1.0 */
export * as Retry from "./Retry.js"
/** @since 0.1.0 */
export * as Speech from "./Speech.js"
/** @since 0.1.0 */
export * as SpokenReply from "./SpokenReply.js"
/** @since 0.1.0 */
export * as Sse from "./Sse.js"
/** @since 0.1.0 */
export * as VideoJobStore from "./VideoJobStore.js"
/** @since 0.1.0 */
export * as VideoPoller from "./VideoPoller.js"
/** @since 0.1.0 */
export * as VideoRequest from "./VideoRequest.js"
/** @since 0.1.0 */
export * as Videos from "./Videos.js"
