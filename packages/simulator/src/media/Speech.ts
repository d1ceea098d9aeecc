/**
 * Text-to-speech (`POST /audio/speech`, openrouter-api.md §5) and speech-to-text
 * (`POST /audio/transcriptions`, the OpenAPI `STTRequest`/`STTResponse`), with small model
 * catalogues.
 *
 * Speech answers raw audio, never JSON (see `Audio.ts`): `mp3` is a valid MP3 of silent MPEG-1
 * Layer III frames behind an `Info` header that states its duration (`audio/mpeg`), `pcm` (the
 * default) 16-bit little-endian mono samples at 24 kHz of a quiet sine (`audio/pcm`); the
 * duration is {@link spokenSeconds} of the input text. An `X-Generation-Id` header carries the
 * generation id.
 *
 * @since 0.1.0
 */
import * as Errors from "../Errors.js"
import type { Handler, Reply } from "../Types.js"
import * as Audio from "./Audio.js"
import { show, unknownModel } from "./VideoModels.js"

/**
 * A text-to-speech model the simulator serves.
 *
 * @since 0.1.0 @category Models
 */
export interface SpeechModel {
  readonly id: string
  readonly provider: string
  /** The voices it accepts; `undefined` when any voice id is passed on to the provider. */
  readonly voices: ReadonlyArray<string> | undefined
  /** The voice used when the request names none; without one, `voice` is required. */
  readonly defaultVoice: string | undefined
  /** The `speed` range it honours; `undefined` when `speed` is ignored. */
  readonly speed: { readonly min: number; readonly max: number } | undefined
  /** Whether it takes `input_references` (voice cloning). */
  readonly voiceCloning: boolean
  /** USD per input character. */
  readonly pricePerCharacter: number
}

const KOKORO_VOICES = [
  "af_alloy", "af_aoede", "af_bella", "af_heart", "af_jessica", "af_kore", "af_nicole", "af_nova", "af_river",
  "af_sarah", "af_sky", "am_adam", "am_echo", "am_eric", "am_fenrir", "am_liam", "am_michael", "am_onyx",
  "am_puck", "bf_alice", "bf_emma", "bf_isabella", "bf_lily", "bm_daniel", "bm_fable", "bm_george", "bm_lewis"
]

const GEMINI_VOICES = [
  "Zephyr", "Puck", "Charon", "Kore", "Fenrir", "Leda", "Orus", "Aoede", "Callirrhoe", "Autonoe", "Enceladus",
  "Iapetus", "Umbriel", "Algieba", "Despina", "Erinome", "Algenib", "Rasalgethi", "Laomedeia", "Achernar",
  "Alnilam", "Schedar", "Gacrux", "Pulcherrima", "Achird", "Zubenelgenubi", "Vindemiatrix", "Sadachbia",
  "Sadaltager", "Sulafat"
]

const OPENAI_VOICES = ["alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse", "marin", "cedar"]

/**
 * The speech catalogue: OpenClaw's four models, plus the OpenAI model of the reference example
 * (the one that honours `speed`, 0.25–4, and has no default voice).
 *
 * @since 0.1.0 @category Constants
 */
export const speechModels: ReadonlyArray<SpeechModel> = [
  {
    id: "hexgrad/kokoro-82m",
    provider: "DeepInfra",
    voices: KOKORO_VOICES,
    defaultVoice: "af_heart",
    speed: undefined,
    voiceCloning: false,
    pricePerCharacter: 0.0000008
  },
  {
    id: "google/gemini-3.1-flash-tts-preview",
    provider: "Google AI Studio",
    voices: GEMINI_VOICES,
    defaultVoice: "Kore",
    speed: undefined,
    voiceCloning: false,
    pricePerCharacter: 0.00001
  },
  {
    id: "mistralai/voxtral-mini-tts-2603",
    provider: "Mistral",
    voices: undefined,
    defaultVoice: "en_paul_neutral",
    speed: undefined,
    voiceCloning: true,
    pricePerCharacter: 0.000016
  },
  {
    id: "elevenlabs/eleven-turbo-v2",
    provider: "ElevenLabs",
    voices: undefined,
    defaultVoice: undefined,
    speed: undefined,
    voiceCloning: false,
    pricePerCharacter: 0.00005
  },
  {
    id: "openai/gpt-4o-mini-tts-2025-12-15",
    provider: "OpenAI",
    voices: OPENAI_VOICES,
    defaultVoice: undefined,
    speed: { min: 0.25, max: 4 },
    voiceCloning: false,
    pricePerCharacter: 0.000015
  }
]

/** A speech model by id. @since 0.1.0 @category Lookups */
export const findSpeechModel = (id: string): SpeechModel | undefined => speechModels.find((model) => model.id === id)

/** The `response_format` values, `pcm` first: the default. @since 0.1.0 @category Constants */
export const SPEECH_FORMATS = ["pcm", "mp3"] as const

/** The content type of each speech format. @since 0.1.0 @category Constants */
export const SPEECH_CONTENT_TYPES: Readonly<Record<(typeof SPEECH_FORMATS)[number], string>> = {
  mp3: "audio/mpeg",
  pcm: "audio/pcm"
}

/** The sample rate of `pcm` output (16-bit little-endian, mono). @since 0.1.0 @category Constants */
export const PCM_SAMPLE_RATE = Audio.PCM_SAMPLE_RATE

/** The header of every generated MP3 frame (see `Audio.ts`). @since 0.1.0 @category Constants */
export const MP3_FRAME_HEADER = Audio.MP3_FRAME_HEADER

/** Bytes per generated MP3 frame (see `Audio.ts`). @since 0.1.0 @category Constants */
export const MP3_FRAME_BYTES = Audio.MP3_FRAME_BYTES

const MAX_REFERENCE_AUDIO = 20 * 1024 * 1024

/** How long the spoken input lasts: 60 ms a character, between 0.5 s and 10 s. @since 0.1.0 @category Audio */
export const spokenSeconds = (input: string, speed = 1): number =>
  Math.min(10, Math.max(0.5, 0.5 + input.length * 0.06)) / speed

/**
 * `seconds` of silence as an MP3: an `Info` frame stating the frame count, then silent MPEG-1
 * Layer III frames (see `Audio.mp3`).
 *
 * @since 0.1.0 @category Audio
 */
export const mp3 = (seconds: number): Uint8Array => Audio.mp3(seconds)

/**
 * `seconds` of a quiet 440 Hz sine as 16-bit little-endian mono samples at {@link PCM_SAMPLE_RATE}
 * (see `Audio.pcm`).
 *
 * @since 0.1.0 @category Audio
 */
export const pcm = (seconds: number): Uint8Array => Audio.pcm(seconds)

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const checkReferences = (value: unknown, model: SpeechModel): Reply | undefined => {
  if (value === undefined) return undefined
  if (!Array.isArray(value)) return Errors.invalidRequest(`input_references must be an array, got ${show(value)}`)
  let audio = 0
  let text = 0
  for (const [index, item] of value.entries()) {
    const at = `input_references[${index}]`
    if (!isRecord(item)) return Errors.invalidRequest(`${at} must be an object, got ${show(item)}`)
    if (item["type"] === "input_audio") {
      audio++
      const input = item["input_audio"]
      const data = isRecord(input) ? input["data"] : undefined
      if (typeof data !== "string" || data.length === 0) {
        return Errors.invalidRequest(`${at}.input_audio.data must be a non-empty base64 string, got ${show(data)}`)
      }
      if (data.length > MAX_REFERENCE_AUDIO) {
        return Errors.invalidRequest(
          `${at}.input_audio.data is ${data.length} characters; the limit is ${MAX_REFERENCE_AUDIO} (20 MiB of base64)`
        )
      }
    } else if (item["type"] === "text") {
      text++
      if (typeof item["text"] !== "string") return Errors.invalidRequest(`${at}.text must be a string, got ${show(item["text"])}`)
    } else {
      return Errors.invalidRequest(`${at}.type ${show(item["type"])} is not valid; supported: input_audio, text`)
    }
  }
  if (audio !== 1 || text > 1) {
    return Errors.invalidRequest(
      `input_references has ${audio} input_audio and ${text} text parts; supported: exactly 1 input_audio and at most 1 text`
    )
  }
  if (!model.voiceCloning) {
    return Errors.error(404, `No endpoints found for ${model.id} that support voice cloning (input_references).`, {
      metadata: { error_type: "not_found" }
    })
  }
  return undefined
}

/**
 * `POST /audio/speech`: raw audio bytes, `audio/mpeg` for `mp3`, `audio/pcm` for `pcm` (the
 * default), with `X-Generation-Id`. 400 for an unknown model, an empty input, a missing voice on a
 * model without a default voice, a voice outside the model's list, an unknown format or a `speed`
 * outside the range of a model that honours it.
 *
 * @since 0.1.0 @category Handlers
 */
export const speech: Handler = (request, context) => {
  const body = request.body
  if (!isRecord(body)) return Errors.invalidRequest(`Request body must be a JSON object, got ${show(body)}`)
  const modelId = body["model"]
  if (typeof modelId !== "string" || modelId.trim() === "") return Errors.invalidRequest(`model is required, got ${show(modelId)}`)
  const model = findSpeechModel(modelId)
  if (model === undefined) return unknownModel(modelId)

  const input = body["input"]
  if (typeof input !== "string") return Errors.invalidRequest(`input must be a string, got ${show(input)}`)
  if (input.trim() === "") return Errors.invalidRequest("input must not be empty")

  const voice = body["voice"] ?? model.defaultVoice
  if (voice === undefined) return Errors.invalidRequest("voice is required for this model")
  if (typeof voice !== "string" || voice === "") return Errors.invalidRequest(`voice must be a non-empty string, got ${show(voice)}`)
  if (model.voices !== undefined && !model.voices.includes(voice)) {
    return Errors.invalidRequest(`voice ${voice} is not supported by ${model.id}; supported: ${model.voices.join(", ")}`)
  }

  const format = body["response_format"] ?? "pcm"
  if (format !== "mp3" && format !== "pcm") {
    return Errors.invalidRequest(`response_format ${show(format)} is not supported; supported: ${SPEECH_FORMATS.join(", ")}`)
  }

  const speed = body["speed"]
  if (speed !== undefined && (typeof speed !== "number" || !Number.isFinite(speed))) {
    return Errors.invalidRequest(`speed must be a number, got ${show(speed)}`)
  }
  if (speed !== undefined && model.speed !== undefined && (speed < model.speed.min || speed > model.speed.max)) {
    return Errors.invalidRequest(`speed ${speed} is not supported by ${model.id}; supported: ${model.speed.min} to ${model.speed.max}`)
  }

  const references = checkReferences(body["input_references"], model)
  if (references !== undefined) return references

  const seconds = spokenSeconds(input, model.speed !== undefined && typeof speed === "number" ? speed : 1)
  const generationId = context.nextId("gen")
  context.recordGeneration({
    id: generationId,
    model: model.id,
    provider: model.provider,
    createdAt: context.now(),
    promptTokens: 0,
    completionTokens: 0,
    totalCost: Math.round(input.length * model.pricePerCharacter * 1e9) / 1e9,
    streamed: false,
    cached: false
  })
  return {
    _tag: "buffer",
    status: 200,
    headers: { "content-type": SPEECH_CONTENT_TYPES[format], "X-Generation-Id": generationId },
    body: format === "mp3" ? mp3(seconds) : pcm(seconds)
  }
}

/** The transcription models the simulator serves. @since 0.1.0 @category Constants */
export const transcriptionModels: ReadonlyArray<string> = ["openai/whisper-large-v3-turbo", "openai/whisper-large-v3"]

/** The `input_audio.format` values accepted. @since 0.1.0 @category Constants */
export const TRANSCRIPTION_FORMATS = ["wav", "mp3", "flac", "m4a", "ogg", "webm", "aac"] as const

/** The text every transcription returns. @since 0.1.0 @category Constants */
export const TRANSCRIPT = "Hello from the OpenRouter simulator. This is a transcription of your audio."

/** USD per second of transcribed audio. */
const TRANSCRIPTION_PRICE_PER_SECOND = 0.0000111

/**
 * Whether `data` is padded standard base64. A loop, not a regular expression: a repeated group
 * over the 35 million characters of a 25 MiB upload overflows V8's regexp stack.
 */
const isBase64 = (data: string): boolean => {
  if (data.length % 4 !== 0) return false
  const padding = data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0
  for (let i = 0; i < data.length - padding; i++) {
    const c = data.charCodeAt(i)
    const ok = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47
    if (!ok) return false
  }
  return true
}

const LANGUAGES: Readonly<Record<string, string>> = {
  en: "english", de: "german", fr: "french", es: "spanish", it: "italian", pt: "portuguese", nl: "dutch",
  ja: "japanese", zh: "chinese", ko: "korean", ru: "russian", pl: "polish", sv: "swedish", tr: "turkish"
}

/**
 * How long decoded audio lasts: from the header of a WAV file, else at 128 kbit/s; at least
 * 0.1 s, to the hundredth.
 *
 * @since 0.1.0 @category Audio
 */
export const audioSeconds = (bytes: Uint8Array, format: string): number => {
  let seconds = (bytes.length * 8) / 128000
  if (format === "wav" && bytes.length >= 44 && new TextDecoder().decode(bytes.subarray(0, 4)) === "RIFF") {
    const byteRate = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(28, true)
    if (byteRate > 0) seconds = (bytes.length - 44) / byteRate
  }
  return Math.max(0.1, Math.round(seconds * 100) / 100)
}

/**
 * `POST /audio/transcriptions` with the JSON body `{model, input_audio: {data, format}, language?,
 * temperature?, response_format?, timestamp_granularities?}`: `{text, usage: {cost, seconds}}`,
 * plus `task`, `language`, `duration` and `segments` (and `words` when asked) for `verbose_json`.
 * 400 for an unknown model, data that is not base64 (or is a data URI), an unsupported format, a
 * language that is not ISO-639-1 or a temperature outside 0–1. A `multipart/form-data` upload
 * reaches it as the same body, decoded by `TranscriptionForm` (the file as `input_audio`).
 *
 * @since 0.1.0 @category Handlers
 */
export const transcription: Handler = (request) => {
  const body = request.body
  if (!isRecord(body)) return Errors.invalidRequest(`Request body must be a JSON object, got ${show(body)}`)
  const model = body["model"]
  if (typeof model !== "string" || model.trim() === "") return Errors.invalidRequest(`model is required, got ${show(model)}`)
  if (!transcriptionModels.includes(model)) return unknownModel(model)

  const inputAudio = body["input_audio"]
  if (!isRecord(inputAudio)) return Errors.invalidRequest(`input_audio must be an object {data, format}, got ${show(inputAudio)}`)
  const data = inputAudio["data"]
  if (typeof data !== "string" || data === "") {
    return Errors.invalidRequest(`input_audio.data must be a non-empty base64 string, got ${show(data)}`)
  }
  if (data.startsWith("data:")) {
    return Errors.invalidRequest(`input_audio.data ${show(data)} is a data URI; supported: raw base64 audio bytes`)
  }
  if (!isBase64(data)) return Errors.invalidRequest(`input_audio.data ${show(data)} is not valid base64`)
  const format = inputAudio["format"]
  if (typeof format !== "string" || !(TRANSCRIPTION_FORMATS as ReadonlyArray<string>).includes(format)) {
    return Errors.invalidRequest(
      `input_audio.format ${show(format)} is not supported; supported: ${TRANSCRIPTION_FORMATS.join(", ")}`
    )
  }

  const language = body["language"]
  if (language !== undefined && (typeof language !== "string" || !/^[A-Za-z]{2}$/.test(language))) {
    return Errors.invalidRequest(`language ${show(language)} is not valid; supported: an ISO-639-1 code such as en`)
  }
  const temperature = body["temperature"]
  if (temperature !== undefined && (typeof temperature !== "number" || !(temperature >= 0 && temperature <= 1))) {
    return Errors.invalidRequest(`temperature ${show(temperature)} is not valid; supported: 0 to 1`)
  }
  const responseFormat = body["response_format"] ?? "json"
  if (responseFormat !== "json" && responseFormat !== "verbose_json") {
    return Errors.invalidRequest(`response_format ${show(responseFormat)} is not supported; supported: json, verbose_json`)
  }
  const granularities = body["timestamp_granularities"]
  if (
    granularities !== undefined &&
    (!Array.isArray(granularities) || granularities.some((g) => g !== "word" && g !== "segment"))
  ) {
    return Errors.invalidRequest(`timestamp_granularities ${show(granularities)} is not valid; supported: word, segment`)
  }

  const seconds = audioSeconds(Buffer.from(data, "base64"), format)
  const usage = { cost: Math.round(seconds * TRANSCRIPTION_PRICE_PER_SECOND * 1e9) / 1e9, seconds }
  if (responseFormat === "json") return { _tag: "json", status: 200, body: { text: TRANSCRIPT, usage } }

  const words = TRANSCRIPT.split(" ")
  const step = seconds / words.length
  const round = (n: number) => Math.round(n * 100) / 100
  return {
    _tag: "json",
    status: 200,
    body: {
      task: "transcribe",
      language: typeof language === "string" ? LANGUAGES[language.toLowerCase()] ?? language.toLowerCase() : "english",
      duration: seconds,
      text: TRANSCRIPT,
      segments: [{
        id: 0,
        seek: 0,
        start: 0,
        end: seconds,
        text: TRANSCRIPT,
        tokens: [],
        temperature: typeof temperature === "number" ? temperature : 0,
        avg_logprob: -0.2,
        compression_ratio: 1.1,
        no_speech_prob: 0.01
      }],
      ...(Array.isArray(granularities) && granularities.includes("word")
        ? { words: words.map((word, i) => ({ word, start: round(i * step), end: round((i + 1) * step) })) }
        : {}),
      usage
    }
  }
}
