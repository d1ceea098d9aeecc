/**
 * The simulator's chat model catalogue: what `GET /models` lists (reference §8.1, §12.9) and what
 * the chat handler needs to answer as each model would (provider name, reasoning, finish reasons,
 * image output). Speech and video models are not chat models and live elsewhere.
 *
 * @since 0.1.0
 */
import * as Png from "./chat/Png.js"

/** The `/models` entry of a model, as OpenRouter returns it. @since 0.1.0 @category Models */
export interface ModelInfo {
  readonly id: string
  readonly canonical_slug: string
  readonly hugging_face_id: string | null
  readonly name: string
  readonly created: number
  readonly description: string
  readonly context_length: number | null
  readonly architecture: {
    readonly modality: string
    readonly input_modalities: ReadonlyArray<string>
    readonly output_modalities: ReadonlyArray<string>
    readonly tokenizer: string
    readonly instruct_type: string | null
  }
  readonly pricing: Readonly<Record<string, string>> & { readonly prompt: string; readonly completion: string }
  readonly top_provider: {
    readonly context_length: number | null
    readonly max_completion_tokens: number | null
    readonly is_moderated: boolean
  }
  readonly per_request_limits: null
  readonly supported_parameters: ReadonlyArray<string>
  readonly default_parameters: Readonly<Record<string, unknown>> | null
  readonly supported_voices: null
  readonly reasoning?: {
    readonly supported_efforts: ReadonlyArray<string>
    readonly default_effort: string
    readonly default_enabled: boolean
    readonly supports_max_tokens: boolean
    readonly mandatory: boolean
  }
  readonly expiration_date: string | null
  readonly knowledge_cutoff: string | null
  readonly links: { readonly details: string }
}

/** The `format` of a model's `reasoning_details` entries (reference §2.4). @since 0.1.0 @category Models */
export type ReasoningFormat =
  | "anthropic-claude-v1"
  | "google-gemini-v1"
  | "openai-responses-v1"
  | "xai-responses-v1"
  | "unknown"

/** The image options a model with image output accepts (reference §3.1). @since 0.1.0 @category Models */
export interface ImageSupport {
  readonly aspectRatios: ReadonlyArray<string>
  readonly imageSizes: ReadonlyArray<string>
  /** Output tokens billed per 1K image (scaled by area for other sizes). */
  readonly tokensPer1K: number
}

/** One catalogue entry. @since 0.1.0 @category Models */
export interface Entry {
  /** The slug as requested (a variant such as `:nitro` keeps its suffix). */
  readonly id: string
  /** The provider display name responses carry in `provider`. */
  readonly provider: string
  /** A router (`openrouter/auto`, `openrouter/free`): resolved to a concrete model before answering. */
  readonly router: boolean
  /** Whether the model returns reasoning when asked to. */
  readonly reasons: boolean
  readonly reasoningFormat: ReasoningFormat
  /** The provider's raw finish reasons, for `native_finish_reason`. */
  readonly nativeFinish: { readonly stop: string; readonly toolCalls: string; readonly length: string }
  readonly systemFingerprint: string | null
  /** Present when the model can output images. */
  readonly image: ImageSupport | undefined
  /** What `GET /models` returns for it. */
  readonly info: ModelInfo
}

const TEXT_PARAMS = ["max_tokens", "temperature", "top_p", "stop", "seed", "response_format", "structured_outputs"]
const OPENAI_PARAMS = [
  ...TEXT_PARAMS,
  "frequency_penalty",
  "presence_penalty",
  "logit_bias",
  "logprobs",
  "top_logprobs",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "web_search_options"
]
const TOOL_PARAMS = [...TEXT_PARAMS, "tools", "tool_choice"]
const REASONING_PARAMS = ["reasoning", "include_reasoning"]

const NATIVE = {
  openai: { stop: "stop", toolCalls: "tool_calls", length: "length" },
  anthropic: { stop: "end_turn", toolCalls: "tool_use", length: "max_tokens" },
  google: { stop: "STOP", toolCalls: "STOP", length: "MAX_TOKENS" },
  generic: { stop: "stop", toolCalls: "tool_calls", length: "length" }
} as const

interface Definition {
  readonly id: string
  readonly canonical?: string
  readonly huggingFace?: string
  readonly name: string
  readonly created: number
  readonly description: string
  readonly contextLength: number
  readonly maxCompletion: number | null
  readonly input: ReadonlyArray<string>
  readonly output?: ReadonlyArray<string>
  readonly tokenizer: string
  readonly instructType?: string
  readonly pricing: Readonly<Record<string, string>> & { readonly prompt: string; readonly completion: string }
  readonly moderated?: boolean
  readonly parameters: ReadonlyArray<string>
  readonly provider: string
  readonly reasons?: boolean
  readonly mandatoryReasoning?: boolean
  readonly reasoningFormat?: ReasoningFormat
  readonly native?: Entry["nativeFinish"]
  readonly fingerprint?: string
  readonly image?: ImageSupport
  readonly router?: boolean
  readonly knowledgeCutoff?: string
}

const modality = (input: ReadonlyArray<string>, output: ReadonlyArray<string>): string =>
  `${input.join("+")}->${output.join("+")}`

const REASONING_EFFORTS = ["max", "xhigh", "high", "medium", "low", "minimal"]

const build = (d: Definition): Entry => {
  const output = d.output ?? ["text"]
  const reasons = d.reasons === true
  const info: ModelInfo = {
    id: d.id,
    canonical_slug: d.canonical ?? d.id,
    hugging_face_id: d.huggingFace ?? null,
    name: d.name,
    created: d.created,
    description: d.description,
    context_length: d.contextLength,
    architecture: {
      modality: modality(d.input, output),
      input_modalities: d.input,
      output_modalities: output,
      tokenizer: d.tokenizer,
      instruct_type: d.instructType ?? null
    },
    pricing: d.pricing,
    top_provider: {
      context_length: d.contextLength,
      max_completion_tokens: d.maxCompletion,
      is_moderated: d.moderated === true
    },
    per_request_limits: null,
    supported_parameters: reasons ? [...d.parameters, ...REASONING_PARAMS] : d.parameters,
    default_parameters: null,
    supported_voices: null,
    ...(reasons && d.router !== true
      ? {
        reasoning: {
          supported_efforts: REASONING_EFFORTS,
          default_effort: "medium",
          default_enabled: d.mandatoryReasoning === true,
          supports_max_tokens: d.reasoningFormat === "anthropic-claude-v1" || d.reasoningFormat === "google-gemini-v1",
          mandatory: d.mandatoryReasoning === true
        }
      }
      : {}),
    expiration_date: null,
    knowledge_cutoff: d.knowledgeCutoff ?? null,
    links: { details: `/api/v1/models/${d.id}/endpoints` }
  }
  return {
    id: d.id,
    provider: d.provider,
    router: d.router === true,
    reasons,
    reasoningFormat: d.reasoningFormat ?? "unknown",
    nativeFinish: d.native ?? NATIVE.generic,
    systemFingerprint: d.fingerprint ?? null,
    image: d.image,
    info
  }
}

const STANDARD_IMAGE: ImageSupport = {
  aspectRatios: Png.STANDARD_ASPECT_RATIOS,
  imageSizes: ["1K", "2K", "4K"],
  tokensPer1K: 1120
}

const TEXT_IMAGE_FILE = ["text", "image", "file"]
const GEMINI_INPUT = ["text", "image", "file", "audio", "video"]

/**
 * Every chat model of the simulator, concrete models first (the first suitable one is what
 * `openrouter/auto` picks), then the two routers.
 *
 * @since 0.1.0 @category Catalogue
 */
export const all: ReadonlyArray<Entry> = [
  build({
    id: "openai/gpt-4o",
    canonical: "openai/gpt-4o",
    name: "OpenAI: GPT-4o",
    created: 1715367049,
    description: "GPT-4o, OpenAI's omni model: text and image in, text out.",
    contextLength: 128000,
    maxCompletion: 16384,
    input: TEXT_IMAGE_FILE,
    tokenizer: "GPT",
    pricing: {
      prompt: "0.0000025",
      completion: "0.00001",
      request: "0",
      image: "0.003613",
      web_search: "0",
      internal_reasoning: "0",
      input_cache_read: "0.00000125"
    },
    moderated: true,
    parameters: OPENAI_PARAMS,
    provider: "OpenAI",
    native: NATIVE.openai,
    fingerprint: "fp_5c1a2b3d4e",
    knowledgeCutoff: "2023-10-01"
  }),
  build({
    id: "openai/gpt-4o-mini",
    canonical: "openai/gpt-4o-mini-2024-07-18",
    name: "OpenAI: GPT-4o-mini",
    created: 1721260800,
    description: "A small, fast and cheap GPT-4o.",
    contextLength: 128000,
    maxCompletion: 16384,
    input: TEXT_IMAGE_FILE,
    tokenizer: "GPT",
    pricing: {
      prompt: "0.00000015",
      completion: "0.0000006",
      request: "0",
      image: "0.000217",
      web_search: "0",
      internal_reasoning: "0",
      input_cache_read: "0.000000075"
    },
    moderated: true,
    parameters: OPENAI_PARAMS,
    provider: "OpenAI",
    native: NATIVE.openai,
    fingerprint: "fp_5c1a2b3d4e",
    knowledgeCutoff: "2023-10-01"
  }),
  build({
    id: "anthropic/claude-sonnet-4.5",
    canonical: "anthropic/claude-4.5-sonnet-20250929",
    name: "Anthropic: Claude Sonnet 4.5",
    created: 1759161676,
    description: "Anthropic's Sonnet 4.5, with extended thinking and tool use.",
    contextLength: 1000000,
    maxCompletion: 64000,
    input: TEXT_IMAGE_FILE,
    tokenizer: "Claude",
    pricing: {
      prompt: "0.000003",
      completion: "0.000015",
      request: "0",
      image: "0.0048",
      web_search: "0.01",
      internal_reasoning: "0",
      input_cache_read: "0.0000003",
      input_cache_write: "0.00000375"
    },
    parameters: [...TOOL_PARAMS, "top_k"],
    provider: "Anthropic",
    reasons: true,
    reasoningFormat: "anthropic-claude-v1",
    native: NATIVE.anthropic,
    knowledgeCutoff: "2025-01-31"
  }),
  build({
    id: "anthropic/claude-sonnet-4-6",
    canonical: "anthropic/claude-4.6-sonnet-20260217",
    name: "Anthropic: Claude Sonnet 4.6",
    created: 1771286400,
    description: "Anthropic's Sonnet 4.6, with adaptive thinking and tool use.",
    contextLength: 1000000,
    maxCompletion: 128000,
    input: TEXT_IMAGE_FILE,
    tokenizer: "Claude",
    pricing: {
      prompt: "0.000003",
      completion: "0.000015",
      request: "0",
      image: "0",
      web_search: "0.01",
      internal_reasoning: "0",
      input_cache_read: "0.0000003",
      input_cache_write: "0.00000375"
    },
    parameters: [...TOOL_PARAMS, "top_k", "verbosity"],
    provider: "Anthropic",
    reasons: true,
    reasoningFormat: "anthropic-claude-v1",
    native: NATIVE.anthropic
  }),
  build({
    id: "google/gemini-2.5-flash",
    canonical: "google/gemini-2.5-flash",
    name: "Google: Gemini 2.5 Flash",
    created: 1750172488,
    description: "Google's fast thinking model.",
    contextLength: 1048576,
    maxCompletion: 65535,
    input: GEMINI_INPUT,
    tokenizer: "Gemini",
    pricing: {
      prompt: "0.0000003",
      completion: "0.0000025",
      request: "0",
      image: "0.001238",
      audio: "0.000001",
      web_search: "0",
      internal_reasoning: "0",
      input_cache_read: "0.00000003",
      input_cache_write: "0.0000003833"
    },
    parameters: TOOL_PARAMS,
    provider: "Google AI Studio",
    reasons: true,
    reasoningFormat: "google-gemini-v1",
    native: NATIVE.google,
    knowledgeCutoff: "2025-01-31"
  }),
  build({
    id: "google/gemini-2.5-flash-image",
    canonical: "google/gemini-2.5-flash-image",
    name: "Google: Gemini 2.5 Flash Image",
    created: 1758000000,
    description: "Image generation and editing model.",
    contextLength: 32768,
    maxCompletion: 8192,
    input: ["image", "text"],
    output: ["image", "text"],
    tokenizer: "Gemini",
    pricing: {
      prompt: "0.0000003",
      completion: "0.0000025",
      request: "0",
      image: "0.001238",
      image_output: "0.00003"
    },
    parameters: ["max_tokens", "temperature", "top_p", "seed", "response_format", "structured_outputs", "stop"],
    provider: "Google AI Studio",
    native: NATIVE.google,
    image: { aspectRatios: Png.STANDARD_ASPECT_RATIOS, imageSizes: ["1K"], tokensPer1K: 1290 }
  }),
  build({
    id: "google/gemini-3.1-flash-image-preview",
    canonical: "google/gemini-3.1-flash-image-preview-20260226",
    name: "Google: Nano Banana 2 (Gemini 3.1 Flash Image Preview)",
    created: 1772064000,
    description: "Fast image generation and editing, with extended aspect ratios and a 0.5K size.",
    contextLength: 65536,
    maxCompletion: 65536,
    input: ["image", "text"],
    output: ["image", "text"],
    tokenizer: "Gemini",
    pricing: {
      prompt: "0.0000005",
      completion: "0.000003",
      request: "0",
      image: "0.0000005",
      image_output: "0.00006",
      internal_reasoning: "0.000003"
    },
    parameters: ["max_tokens", "temperature", "top_p", "seed", "response_format", "structured_outputs", "stop"],
    provider: "Google AI Studio",
    reasons: true,
    reasoningFormat: "google-gemini-v1",
    native: NATIVE.google,
    image: {
      aspectRatios: [...Png.STANDARD_ASPECT_RATIOS, ...Png.EXTENDED_ASPECT_RATIOS],
      imageSizes: ["0.5K", "1K", "2K", "4K"],
      tokensPer1K: 1120
    }
  }),
  build({
    id: "google/gemini-3-pro-image-preview",
    canonical: "google/gemini-3-pro-image-preview-20251120",
    name: "Google: Nano Banana Pro (Gemini 3 Pro Image Preview)",
    created: 1763654400,
    description: "Google's highest-quality image generation and editing model, up to 4K.",
    contextLength: 65536,
    maxCompletion: 32768,
    input: ["image", "text"],
    output: ["image", "text"],
    tokenizer: "Gemini",
    pricing: {
      prompt: "0.000002",
      completion: "0.000012",
      request: "0",
      image: "0.000002",
      image_output: "0.00012",
      internal_reasoning: "0.000012"
    },
    parameters: ["max_tokens", "temperature", "top_p", "seed", "response_format", "structured_outputs", "stop"],
    provider: "Google AI Studio",
    reasons: true,
    reasoningFormat: "google-gemini-v1",
    native: NATIVE.google,
    image: STANDARD_IMAGE
  }),
  build({
    id: "openai/gpt-5.4-image-2",
    canonical: "openai/gpt-5.4-image-2-20260421",
    name: "OpenAI: GPT-5.4 Image 2",
    created: 1776729600,
    description: "GPT-5.4 with native image generation.",
    contextLength: 400000,
    maxCompletion: 128000,
    input: TEXT_IMAGE_FILE,
    output: ["image", "text"],
    tokenizer: "GPT",
    pricing: {
      prompt: "0.00001",
      completion: "0.00001",
      request: "0",
      image: "0.00001",
      image_output: "0.00004",
      web_search: "0.01",
      internal_reasoning: "0",
      input_cache_read: "0.0000025"
    },
    moderated: true,
    parameters: [...TOOL_PARAMS, "reasoning_effort"],
    provider: "OpenAI",
    reasons: true,
    reasoningFormat: "openai-responses-v1",
    native: NATIVE.openai,
    fingerprint: "fp_9f3e1a7c2b",
    image: STANDARD_IMAGE
  }),
  build({
    id: "deepseek/deepseek-v4-pro",
    huggingFace: "deepseek-ai/DeepSeek-V4-Pro",
    name: "DeepSeek: DeepSeek V4 Pro",
    created: 1776902400,
    description: "DeepSeek's flagship V4 model, with hybrid thinking.",
    contextLength: 1048576,
    maxCompletion: 393216,
    input: ["text"],
    tokenizer: "DeepSeek",
    pricing: {
      prompt: "0.00000174",
      completion: "0.00000348",
      request: "0",
      image: "0",
      web_search: "0",
      internal_reasoning: "0",
      input_cache_read: "0.000000145"
    },
    parameters: [...TOOL_PARAMS, "frequency_penalty", "presence_penalty", "reasoning_effort"],
    provider: "DeepSeek",
    reasons: true
  }),
  build({
    id: "deepseek/deepseek-v4-flash",
    huggingFace: "deepseek-ai/DeepSeek-V4-Flash",
    name: "DeepSeek: DeepSeek V4 Flash",
    created: 1776902400,
    description: "The fast, cheap DeepSeek V4, with hybrid thinking.",
    contextLength: 1048576,
    maxCompletion: 393216,
    input: ["text"],
    tokenizer: "DeepSeek",
    pricing: {
      prompt: "0.00000014",
      completion: "0.00000028",
      request: "0",
      image: "0",
      web_search: "0",
      internal_reasoning: "0",
      input_cache_read: "0.000000028"
    },
    parameters: [...TOOL_PARAMS, "frequency_penalty", "presence_penalty", "reasoning_effort"],
    provider: "DeepSeek",
    reasons: true
  }),
  build({
    id: "moonshotai/kimi-k2.6",
    huggingFace: "moonshotai/Kimi-K2.6",
    name: "MoonshotAI: Kimi K2.6",
    created: 1776470400,
    description: "Moonshot AI's multimodal agentic model with thinking.",
    contextLength: 262144,
    maxCompletion: 262144,
    input: ["text", "image"],
    tokenizer: "Other",
    pricing: {
      prompt: "0.0000008",
      completion: "0.0000035",
      request: "0",
      image: "0",
      web_search: "0",
      internal_reasoning: "0",
      input_cache_read: "0.0000002"
    },
    parameters: [...TOOL_PARAMS, "frequency_penalty", "presence_penalty"],
    provider: "Moonshot AI",
    reasons: true
  }),
  build({
    id: "moonshotai/kimi-k2.5",
    huggingFace: "moonshotai/Kimi-K2.5",
    name: "MoonshotAI: Kimi K2.5",
    created: 1769472000,
    description: "Moonshot AI's multimodal agentic model with thinking.",
    contextLength: 262144,
    maxCompletion: 262144,
    input: ["text", "image"],
    tokenizer: "Other",
    pricing: {
      prompt: "0.00000044",
      completion: "0.000002",
      request: "0",
      image: "0",
      web_search: "0",
      internal_reasoning: "0",
      input_cache_read: "0.00000022"
    },
    parameters: [...TOOL_PARAMS, "frequency_penalty", "presence_penalty"],
    provider: "Moonshot AI",
    reasons: true
  }),
  build({
    id: "x-ai/grok-4.1-fast",
    name: "xAI: Grok 4.1 Fast",
    created: 1763596800,
    description: "xAI's fast agentic model with a 2M context.",
    contextLength: 2000000,
    maxCompletion: 30000,
    input: ["text", "image"],
    tokenizer: "Grok",
    pricing: {
      prompt: "0.0000002",
      completion: "0.0000005",
      request: "0",
      image: "0",
      web_search: "0.005",
      internal_reasoning: "0",
      input_cache_read: "0.00000005"
    },
    parameters: [...TOOL_PARAMS, "logprobs", "top_logprobs"],
    provider: "xAI",
    reasons: true,
    reasoningFormat: "xai-responses-v1"
  }),
  build({
    id: "meta-llama/llama-3.3-70b-instruct",
    huggingFace: "meta-llama/Llama-3.3-70B-Instruct",
    name: "Meta: Llama 3.3 70B Instruct",
    created: 1733506137,
    description: "Meta's multilingual 70B instruction-tuned model.",
    contextLength: 131072,
    maxCompletion: 16384,
    input: ["text"],
    tokenizer: "Llama3",
    instructType: "llama3",
    pricing: { prompt: "0.00000013", completion: "0.00000039", request: "0", image: "0", web_search: "0", internal_reasoning: "0" },
    parameters: [...TOOL_PARAMS, "top_k", "frequency_penalty", "presence_penalty", "repetition_penalty", "min_p"],
    provider: "DeepInfra"
  }),
  build({
    id: "meta-llama/llama-3.3-70b-instruct:free",
    canonical: "meta-llama/llama-3.3-70b-instruct",
    huggingFace: "meta-llama/Llama-3.3-70B-Instruct",
    name: "Meta: Llama 3.3 70B Instruct (free)",
    created: 1733506137,
    description: "Meta's multilingual 70B instruction-tuned model, free variant (rate-limited).",
    contextLength: 131072,
    maxCompletion: 2048,
    input: ["text"],
    tokenizer: "Llama3",
    instructType: "llama3",
    pricing: { prompt: "0", completion: "0", request: "0", image: "0", web_search: "0", internal_reasoning: "0" },
    parameters: TOOL_PARAMS,
    provider: "Venice"
  }),
  build({
    id: "mistralai/mistral-large-2512",
    name: "Mistral: Mistral Large 3 2512",
    created: 1764633600,
    description: "Mistral's open-weight flagship model.",
    contextLength: 262144,
    maxCompletion: null,
    input: ["text", "image"],
    tokenizer: "Mistral",
    pricing: { prompt: "0.0000005", completion: "0.0000015", request: "0", image: "0", web_search: "0", internal_reasoning: "0" },
    parameters: [...TOOL_PARAMS, "frequency_penalty", "presence_penalty"],
    provider: "Mistral"
  }),
  build({
    id: "openrouter/auto",
    name: "Auto Router",
    created: 1699401600,
    description: "Your prompt is sent to a model chosen for it; the response's `model` names the one used.",
    contextLength: 2000000,
    maxCompletion: null,
    input: ["text", "image", "file", "audio", "video"],
    output: ["text", "image"],
    tokenizer: "Router",
    pricing: { prompt: "-1", completion: "-1" },
    parameters: [...OPENAI_PARAMS, ...REASONING_PARAMS, "top_k"],
    provider: "OpenRouter",
    router: true
  }),
  build({
    id: "openrouter/free",
    name: "Free Models Router",
    created: 1769904000,
    description: "Routes to a free model that supports the request.",
    contextLength: 131072,
    maxCompletion: null,
    input: ["text"],
    tokenizer: "Router",
    pricing: { prompt: "0", completion: "0", request: "0", image: "0", web_search: "0", internal_reasoning: "0" },
    parameters: TOOL_PARAMS,
    provider: "OpenRouter",
    router: true
  })
]

const byId = new Map(all.map((entry) => [entry.id, entry]))

/** The variant suffixes a known base model may carry (reference §9). @since 0.1.0 @category Constants */
export const VARIANTS: ReadonlyArray<string> = ["free", "nitro", "floor", "exacto", "extended", "thinking", "online"]

/**
 * The `~author/family-latest` aliases the simulator resolves (reference §9), to the newest model
 * of the family in this catalogue.
 *
 * @since 0.1.0 @category Constants
 */
export const LATEST: Readonly<Record<string, string>> = {
  "~anthropic/claude-sonnet-latest": "anthropic/claude-sonnet-4-6",
  "~openai/gpt-latest": "openai/gpt-4o",
  "~openai/gpt-mini-latest": "openai/gpt-4o-mini",
  "~google/gemini-flash-latest": "google/gemini-2.5-flash",
  "~moonshotai/kimi-latest": "moonshotai/kimi-k2.6",
  "~deepseek/deepseek-latest": "deepseek/deepseek-v4-pro",
  "~x-ai/grok-latest": "x-ai/grok-4.1-fast",
  "~mistralai/mistral-large-latest": "mistralai/mistral-large-2512"
}

const FREE_PRICING = { prompt: "0", completion: "0", request: "0", image: "0", web_search: "0", internal_reasoning: "0" }

/**
 * The entry of a model slug: an exact catalogue id; a known base with a variant suffix
 * (`openai/gpt-4o:nitro`: the base's entry under the requested id, priced at zero for `:free`);
 * or a `~author/family-latest` alias (the concrete model's entry). `undefined` for anything
 * else, including bare names like `gpt-4o`.
 *
 * @since 0.1.0 @category Catalogue
 */
export const find = (slug: string): Entry | undefined => {
  const exact = byId.get(slug)
  if (exact !== undefined) return exact
  const latest = LATEST[slug]
  if (latest !== undefined) return byId.get(latest)
  const colon = slug.lastIndexOf(":")
  if (colon <= 0) return undefined
  const variant = slug.slice(colon + 1)
  const base = byId.get(slug.slice(0, colon))
  if (base === undefined || base.router || !VARIANTS.includes(variant)) return undefined
  const pricing = variant === "free" ? FREE_PRICING : base.info.pricing
  return {
    ...base,
    id: slug,
    info: {
      ...base.info,
      id: slug,
      name: variant === "free" ? `${base.info.name} (free)` : `${base.info.name} (${variant})`,
      pricing,
      links: { details: `/api/v1/models/${slug}/endpoints` }
    }
  }
}

/** Whether a model's output modalities include `modality`. @since 0.1.0 @category Catalogue */
export const outputs = (entry: Entry, modality: string): boolean =>
  entry.info.architecture.output_modalities.includes(modality)

/** What a router must find in the model it picks. @since 0.1.0 @category Models */
export interface Requirements {
  /** Output modalities the model must have (e.g. `["image", "text"]`). */
  readonly outputs?: ReadonlyArray<string>
  /** Only free models (`openrouter/free`). */
  readonly free?: boolean
  /** `auto-router` plugin `allowed_models` patterns (`*` matches any run of characters). */
  readonly allowed?: ReadonlyArray<string>
  /** `auto-router` plugin `excluded_models` patterns. */
  readonly excluded?: ReadonlyArray<string>
}

const matches = (pattern: string, id: string): boolean => {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")
  return new RegExp(`^${escaped}$`).test(id)
}

const isFree = (entry: Entry): boolean =>
  entry.info.pricing.prompt === "0" && entry.info.pricing.completion === "0"

/**
 * The concrete model a router picks: deterministically the first catalogue entry (in
 * {@link all}'s order) that is not a router and meets the requirements, so `openrouter/auto`
 * answers as `openai/gpt-4o` for plain text. `undefined` when nothing qualifies.
 *
 * @since 0.1.0 @category Catalogue
 */
export const resolveAuto = (requirements: Requirements = {}): Entry | undefined =>
  all.find((entry) =>
    !entry.router &&
    (requirements.outputs ?? []).every((modality) => outputs(entry, modality)) &&
    (requirements.free !== true || isFree(entry)) &&
    (requirements.allowed === undefined || requirements.allowed.length === 0 ||
      requirements.allowed.some((pattern) => matches(pattern, entry.id))) &&
    !(requirements.excluded ?? []).some((pattern) => matches(pattern, entry.id))
  )

/** Price per token (or unit) of a pricing key as a number, 0 when absent or negative. @since 0.1.0 @category Catalogue */
export const price = (entry: Entry, key: string): number => {
  const value = Number(entry.info.pricing[key] ?? "0")
  return Number.isFinite(value) && value > 0 ? value : 0
}
