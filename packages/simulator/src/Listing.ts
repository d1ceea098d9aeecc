/**
 * Every model the simulator serves, as OpenRouter's model endpoints describe them (OpenAPI
 * `Model`, `ListEndpointsResponse`, `PublicEndpoint`): the chat catalogue (`Catalog`), and the
 * speech, transcription and video models of `media/`, which are not chat models but are listed
 * by `GET /models?output_modalities=speech|transcription|video` as OpenRouter lists them.
 *
 * The media entries are built from their catalogues, so a model added there is listed here:
 * - speech (TTS): `text` in, `speech` out; `supported_voices` is the model's voice list (its
 *   default voice alone when it passes any voice id on; empty when it has neither); `prompt` is
 *   the price per input character.
 * - transcription (STT): `audio` in, `transcription` out; the `audio` price is per second.
 * - video: `text` (and `image` when it takes frame images) in, `video` out; priced per SKU on
 *   `GET /videos/models`, so `prompt` and `completion` are `"0"` here.
 *
 * @since 0.1.0
 */
import * as Catalog from "./Catalog.js"
import { findSpeechModel, type SpeechModel, speechModels, transcriptionModels } from "./media/Speech.js"
import * as VideoModels from "./media/VideoModels.js"

/**
 * A `GET /models` entry (OpenAPI `Model`): a chat model's `Catalog.ModelInfo`, or a media model's,
 * whose `supported_voices` is a list for TTS.
 *
 * @since 0.1.0 @category Models
 */
export type ListedModel = Omit<Catalog.ModelInfo, "supported_voices"> & {
  readonly supported_voices: ReadonlyArray<string> | null
}

/**
 * One listed model and what its endpoints are built from.
 *
 * @since 0.1.0 @category Models
 */
export interface Listing {
  readonly info: ListedModel
  /** The provider display name answers carry (`Google AI Studio`, `DeepInfra`, …); `OpenRouter` for a router. */
  readonly provider: string
  /** A router (`openrouter/auto`) has no endpoint of its own. */
  readonly router: boolean
  readonly kind: "chat" | "speech" | "transcription" | "video"
  /** Whether the endpoint accepts `input_references` (TTS voice cloning). */
  readonly voiceCloning: boolean
}

/**
 * The output modalities `GET /models?output_modalities=` accepts (OpenAPI `OutputModality`), and
 * `all`.
 *
 * @since 0.1.0 @category Constants
 */
export const OUTPUT_MODALITIES: ReadonlyArray<string> = [
  "text",
  "image",
  "embeddings",
  "audio",
  "video",
  "rerank",
  "speech",
  "transcription",
  "all"
]

const details = (id: string) => ({ details: `/api/v1/models/${id}/endpoints` })

/** Names and dates the media catalogues do not carry; a model missing here is named from its id. */
const MEDIA: Readonly<Record<string, { readonly name: string; readonly created: number; readonly description: string; readonly huggingFace?: string }>> = {
  "hexgrad/kokoro-82m": {
    name: "Kokoro 82M",
    created: 1767225600,
    description: "A small open-weight text-to-speech model with a fixed set of voices.",
    huggingFace: "hexgrad/Kokoro-82M"
  },
  "google/gemini-3.1-flash-tts-preview": {
    name: "Google: Gemini 3.1 Flash TTS (Preview)",
    created: 1772064000,
    description: "Gemini's controllable text-to-speech, with 30 prebuilt voices."
  },
  "mistralai/voxtral-mini-tts-2603": {
    name: "Mistral: Voxtral Mini TTS 2603",
    created: 1772582400,
    description: "Mistral's text-to-speech, with stateless voice cloning from a reference clip."
  },
  "elevenlabs/eleven-turbo-v2": {
    name: "ElevenLabs: Eleven Turbo v2",
    created: 1704067200,
    description: "Low-latency text-to-speech; any ElevenLabs voice id."
  },
  "openai/gpt-4o-mini-tts-2025-12-15": {
    name: "OpenAI: GPT-4o mini TTS (2025-12-15)",
    created: 1765756800,
    description: "OpenAI's steerable text-to-speech, with adjustable speed."
  },
  "openai/whisper-large-v3-turbo": {
    name: "OpenAI: Whisper Large v3 Turbo",
    created: 1727740800,
    description: "A pruned, faster Whisper large-v3 for speech-to-text.",
    huggingFace: "openai/whisper-large-v3-turbo"
  },
  "openai/whisper-large-v3": {
    name: "OpenAI: Whisper Large v3",
    created: 1699315200,
    description: "OpenAI's open-weight speech-to-text model.",
    huggingFace: "openai/whisper-large-v3"
  }
}

/** The provider serving the transcription models. */
const TRANSCRIPTION_PROVIDER = "Groq"
/** USD per second of transcribed audio, as `/audio/transcriptions` bills it. */
const TRANSCRIPTION_PRICE_PER_SECOND = "0.0000111"

const mediaText = (id: string) =>
  MEDIA[id] ?? { name: id, created: 1767225600, description: `${id}, served by the simulator.` }

const mediaInfo = (
  id: string,
  input: ReadonlyArray<string>,
  output: string,
  pricing: Catalog.ModelInfo["pricing"],
  parameters: ReadonlyArray<string>,
  voices: ReadonlyArray<string> | null,
  text: { readonly name: string; readonly created: number; readonly description: string; readonly huggingFace?: string } = mediaText(id)
): ListedModel => ({
  id,
  canonical_slug: id,
  hugging_face_id: text.huggingFace ?? null,
  name: text.name,
  created: text.created,
  description: text.description,
  context_length: null,
  architecture: {
    modality: `${input.join("+")}->${output}`,
    input_modalities: input,
    output_modalities: [output],
    tokenizer: "Other",
    instruct_type: null
  },
  pricing,
  top_provider: { context_length: null, max_completion_tokens: null, is_moderated: false },
  per_request_limits: null,
  supported_parameters: parameters,
  default_parameters: null,
  supported_voices: voices,
  expiration_date: null,
  knowledge_cutoff: null,
  links: details(id)
})

const speechListing = (model: SpeechModel): Listing => ({
  info: mediaInfo(
    model.id,
    ["text"],
    "speech",
    { prompt: model.pricePerCharacter.toFixed(10).replace(/\.?0+$/, ""), completion: "0" },
    [],
    model.voices ?? (model.defaultVoice !== undefined ? [model.defaultVoice] : [])
  ),
  provider: model.provider,
  router: false,
  kind: "speech",
  voiceCloning: model.voiceCloning
})

const transcriptionListing = (id: string): Listing => ({
  info: mediaInfo(id, ["audio"], "transcription", { prompt: "0", completion: "0", audio: TRANSCRIPTION_PRICE_PER_SECOND }, ["temperature"], null),
  provider: TRANSCRIPTION_PROVIDER,
  router: false,
  kind: "transcription",
  voiceCloning: false
})

const videoListing = (model: VideoModels.VideoModel): Listing => ({
  info: mediaInfo(
    model.id,
    model.supported_frame_images !== null && model.supported_frame_images.length > 0 ? ["text", "image"] : ["text"],
    "video",
    { prompt: "0", completion: "0" },
    model.seed === true ? ["seed"] : [],
    null,
    { name: model.name, created: model.created, description: model.description, ...(model.hugging_face_id !== null ? { huggingFace: model.hugging_face_id } : {}) }
  ),
  provider: VideoModels.providerOf(model.id),
  router: false,
  kind: "video",
  voiceCloning: false
})

const chatListing = (entry: Catalog.Entry): Listing => ({
  info: entry.info,
  provider: entry.provider,
  router: entry.router,
  kind: "chat",
  voiceCloning: false
})

/**
 * Every listed model: the chat catalogue in its order, then speech, transcription and video
 * models.
 *
 * @since 0.1.0 @category Listing
 */
export const all: ReadonlyArray<Listing> = [
  ...Catalog.all.map(chatListing),
  ...speechModels.map(speechListing),
  ...transcriptionModels.map(transcriptionListing),
  ...VideoModels.catalogue.map(videoListing)
]

/**
 * The listing of a model id as `GET /model/{author}/{slug}` resolves it: a chat model by
 * `Catalog.find` (exact ids, `:variant` suffixes, `~author/family-latest` aliases), else a media
 * model by its exact id.
 *
 * @since 0.1.0 @category Listing
 */
export const find = (id: string): Listing | undefined => {
  const chat = Catalog.find(id)
  if (chat !== undefined) return chatListing(chat)
  const speech = findSpeechModel(id)
  if (speech !== undefined) return speechListing(speech)
  if (transcriptionModels.includes(id)) return transcriptionListing(id)
  const video = VideoModels.find(id)
  return video !== undefined ? videoListing(video) : undefined
}

/**
 * Whether a model outputs any of `modalities` (`all` matches every model).
 *
 * @since 0.1.0 @category Listing
 */
export const outputsAny = (listing: Listing, modalities: ReadonlyArray<string>): boolean =>
  modalities.includes("all") || modalities.some((m) => listing.info.architecture.output_modalities.includes(m))

/**
 * The spec's `ProviderName` for a provider display name: `Google Vertex` is `Google`, `MiniMax`
 * is `Minimax`; other names are kept (`ElevenLabs` and `Kling`, which the spec's enum lacks, too:
 * the SDK's enum is open, and a made-up substitute would mislead more than the unknown name).
 *
 * @since 0.1.0 @category Endpoints
 */
export const providerName = (provider: string): string =>
  provider === "Google Vertex" ? "Google" : provider === "MiniMax" ? "Minimax" : provider

const tagOf = (provider: string): string => provider.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "")

const STATS = { p50: 250, p75: 340, p90: 480, p99: 850 }
const THROUGHPUT = { p50: 95, p75: 80, p90: 62, p99: 35 }

/**
 * The one endpoint the simulator serves a model from (OpenAPI `PublicEndpoint`), always up.
 * Latency (ms to first token) and throughput (tokens/s) percentiles are fixed figures, and `null`
 * for a caller without a key, as the spec says. `supports_tool_choice` is not in the OpenAPI copy
 * but the current @openrouter/sdk requires it: every choice when the model takes `tools`, none
 * otherwise.
 *
 * @since 0.1.0 @category Endpoints
 */
export const endpoint = (listing: Listing, authenticated: boolean): Readonly<Record<string, unknown>> => {
  const info = listing.info
  const name = providerName(listing.provider)
  const shortName = info.name.includes(": ") ? info.name.slice(info.name.indexOf(": ") + 2) : info.name
  const tools = info.supported_parameters.includes("tools")
  return {
    name: `${name}: ${shortName}`,
    model_id: info.canonical_slug,
    model_name: info.name,
    context_length: info.context_length ?? 0,
    pricing: info.pricing,
    provider_name: name,
    tag: tagOf(name),
    quantization: null,
    max_completion_tokens: info.top_provider.max_completion_tokens,
    max_prompt_tokens: info.context_length,
    supported_parameters: info.supported_parameters,
    status: 0,
    uptime_last_30m: 100,
    uptime_last_5m: 100,
    uptime_last_1d: 100,
    supports_implicit_caching: info.pricing["input_cache_read"] !== undefined,
    supports_tool_choice: { auto: tools, function: tools, none: tools, required: tools },
    ...(listing.kind === "speech" ? { supports_voice_cloning: listing.voiceCloning } : {}),
    latency_last_30m: authenticated ? STATS : null,
    throughput_last_30m: authenticated ? THROUGHPUT : null
  }
}

/**
 * `GET /models/{author}/{slug}/endpoints`'s `data` (OpenAPI `ListEndpointsResponse`): the model's
 * identity and architecture, and its endpoints (none for a router).
 *
 * @since 0.1.0 @category Endpoints
 */
export const endpoints = (listing: Listing, authenticated: boolean): Readonly<Record<string, unknown>> => ({
  id: listing.info.id,
  name: listing.info.name,
  created: listing.info.created,
  description: listing.info.description,
  architecture: {
    tokenizer: listing.info.architecture.tokenizer,
    instruct_type: listing.info.architecture.instruct_type,
    modality: listing.info.architecture.modality,
    input_modalities: listing.info.architecture.input_modalities,
    output_modalities: listing.info.architecture.output_modalities
  },
  endpoints: listing.router ? [] : [endpoint(listing, authenticated)]
})
