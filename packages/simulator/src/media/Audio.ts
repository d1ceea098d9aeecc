/**
 * Real audio files of a given duration, for the speech answers: raw PCM, WAV and MP3. All are
 * deterministic, and each one's duration is the one real parsers report:
 *
 * - `pcm`: 16-bit little-endian mono samples at 24 kHz of a quiet 440 Hz sine (what OpenAI-style
 *   `pcm` speech is), `round(seconds × 24000)` samples;
 * - `wav`: the same samples behind a 44-byte RIFF/WAVE header (PCM format 1);
 * - `mp3`: silent MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz, mono) behind an `Info` frame,
 *   the Xing header LAME writes for constant bit rate files, which states the frame count, so
 *   parsers read the exact duration instead of estimating it from the size. The duration is a
 *   whole number of 1152-sample frames: the requested one rounded up, 26 ms at most longer.
 *
 * @since 0.1.0
 */

/** The sample rate of `pcm` and `wav` (16-bit little-endian, mono). @since 0.1.0 @category Constants */
export const PCM_SAMPLE_RATE = 24000

/** The sample rate of `mp3`. @since 0.1.0 @category Constants */
export const MP3_SAMPLE_RATE = 44100

/** Samples in one MPEG-1 Layer III frame. @since 0.1.0 @category Constants */
export const MP3_SAMPLES_PER_FRAME = 1152

/**
 * The header of every generated MP3 frame: MPEG-1 Layer III, no CRC, 128 kbit/s, 44.1 kHz, no
 * padding, mono.
 *
 * @since 0.1.0 @category Constants
 */
export const MP3_FRAME_HEADER = Uint8Array.of(0xff, 0xfb, 0x90, 0xc4)

/** Bytes per frame of {@link MP3_FRAME_HEADER}: floor(144 × 128000 / 44100). @since 0.1.0 @category Constants */
export const MP3_FRAME_BYTES = 417

/** Where the Xing/Info tag starts in a mono MPEG-1 frame: after the header and 17 bytes of side information. */
const INFO_OFFSET = 4 + 17

/** Info flags: the frame count and the byte count are present. */
const INFO_FLAGS = 0x3

/** The bytes of a WAV header before the samples. @since 0.1.0 @category Constants */
export const WAV_HEADER_BYTES = 44

/**
 * How many audio frames `seconds` of MP3 take: rounded up, at least one.
 *
 * @since 0.1.0 @category Audio
 */
export const mp3Frames = (seconds: number): number =>
  Math.max(1, Math.ceil(Math.round(seconds * MP3_SAMPLE_RATE) / MP3_SAMPLES_PER_FRAME))

/**
 * `seconds` of silence as MPEG-1 Layer III: an `Info` frame, then {@link mp3Frames} audio frames.
 * Each frame is the header and zeroed side information and main data (no Huffman data, a global
 * gain of 0: silence to every decoder). The `Info` frame is itself a silent frame whose main data
 * carries the tag; decoders skip it, and its frame count excludes it.
 *
 * @since 0.1.0 @category Audio
 */
export const mp3 = (seconds: number): Uint8Array => {
  const frames = mp3Frames(seconds)
  const out = new Uint8Array((frames + 1) * MP3_FRAME_BYTES)
  for (let frame = 0; frame <= frames; frame++) out.set(MP3_FRAME_HEADER, frame * MP3_FRAME_BYTES)
  const view = new DataView(out.buffer)
  out.set([0x49, 0x6e, 0x66, 0x6f], INFO_OFFSET) // "Info"
  view.setUint32(INFO_OFFSET + 4, INFO_FLAGS)
  view.setUint32(INFO_OFFSET + 8, frames)
  view.setUint32(INFO_OFFSET + 12, out.length)
  return out
}

/** The number of samples of `seconds` at {@link PCM_SAMPLE_RATE}: at least one. */
const pcmSamples = (seconds: number): number => Math.max(1, Math.round(seconds * PCM_SAMPLE_RATE))

const writeSine = (view: DataView, offset: number, samples: number): void => {
  for (let i = 0; i < samples; i++) {
    view.setInt16(offset + i * 2, Math.round(Math.sin((2 * Math.PI * 440 * i) / PCM_SAMPLE_RATE) * 6000), true)
  }
}

/**
 * `seconds` of a quiet 440 Hz sine as 16-bit little-endian mono samples at {@link PCM_SAMPLE_RATE}.
 *
 * @since 0.1.0 @category Audio
 */
export const pcm = (seconds: number): Uint8Array => {
  const samples = pcmSamples(seconds)
  const out = new Uint8Array(samples * 2)
  writeSine(new DataView(out.buffer), 0, samples)
  return out
}

/**
 * The same samples as {@link pcm} in a WAV file: `RIFF` (the size of what follows), `WAVE`, a
 * 16-byte `fmt ` chunk (PCM, mono, 24 kHz, 16 bits) and the `data` chunk.
 *
 * @since 0.1.0 @category Audio
 */
export const wav = (seconds: number): Uint8Array => {
  const samples = pcmSamples(seconds)
  const data = samples * 2
  const out = new Uint8Array(WAV_HEADER_BYTES + data)
  const view = new DataView(out.buffer)
  const tag = (offset: number, text: string) => out.set(Array.from(text, (c) => c.charCodeAt(0)), offset)
  tag(0, "RIFF")
  view.setUint32(4, out.length - 8, true)
  tag(8, "WAVE")
  tag(12, "fmt ")
  view.setUint32(16, 16, true)
  view.setUint16(20, 1, true) // PCM
  view.setUint16(22, 1, true) // mono
  view.setUint32(24, PCM_SAMPLE_RATE, true)
  view.setUint32(28, PCM_SAMPLE_RATE * 2, true) // byte rate
  view.setUint16(32, 2, true) // block align
  view.setUint16(34, 16, true) // bits per sample
  tag(36, "data")
  view.setUint32(40, data, true)
  writeSine(view, WAV_HEADER_BYTES, samples)
  return out
}
