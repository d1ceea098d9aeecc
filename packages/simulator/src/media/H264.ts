/**
 * A tiny H.264 (ISO/IEC 14496-10) encoder for one picture: flat mid-gray, Constrained Baseline,
 * CAVLC, one slice per picture. It is enough for a video any decoder plays, and cheap to build at
 * any size:
 *
 * - the IDR picture codes every macroblock as `I_16x16` with DC prediction and no residual. With
 *   no neighbour to predict from, DC prediction gives 128, and every macroblock then predicts 128
 *   from its neighbours: eight bits a macroblock (`00100111`), a gray frame;
 * - every other picture is a P picture whose macroblocks are all skipped (one `mb_skip_run`): a
 *   copy of the previous frame in a few bytes, whatever the size.
 *
 * Every picture is a reference picture and `pic_order_cnt_type` is 2 (output order is decoding
 * order), so there is no reordering; `frame_num` wraps at 16.
 *
 * @since 0.1.0
 */

/** Width and height in pixels, both even. @since 0.1.0 @category Models */
export interface FrameSize {
  readonly width: number
  readonly height: number
}

/** The largest width or height accepted. @since 0.1.0 @category Constants */
export const MAX_DIMENSION = 4096

/** `profile_idc` 66 (Baseline) with `constraint_set0` and `constraint_set1`: Constrained Baseline. */
const PROFILE_IDC = 66
const CONSTRAINT_FLAGS = 0xc0

/** `log2_max_frame_num_minus4` 0: `frame_num` is 4 bits and wraps at 16. */
const FRAME_NUM_BITS = 4

/** Levels as `[level_idc, MaxFS in macroblocks]` (Table A-1); at 24 fps MaxMBPS never binds first. */
const LEVELS: ReadonlyArray<readonly [number, number]> = [[30, 1620], [40, 8192], [50, 22080], [51, 36864], [60, 139264]]

/** Writes bits most significant first, with the Exp-Golomb codes of the spec (§9.1). */
class Bits {
  private readonly bytes: Array<number> = []
  private current = 0
  private count = 0

  bit(value: number): void {
    this.current = (this.current << 1) | (value & 1)
    if (++this.count === 8) {
      this.bytes.push(this.current)
      this.current = 0
      this.count = 0
    }
  }

  /** `u(n)`: `value` on `n` bits (`n` ≤ 32). */
  u(n: number, value: number): void {
    for (let i = n - 1; i >= 0; i--) this.bit(Math.floor(value / 2 ** i) % 2)
  }

  /** `ue(v)`: unsigned Exp-Golomb. */
  ue(value: number): void {
    const length = (value + 1).toString(2).length
    this.u(length - 1, 0)
    this.u(length, value + 1)
  }

  /** `se(v)`: signed Exp-Golomb. */
  se(value: number): void {
    this.ue(value <= 0 ? -2 * value : 2 * value - 1)
  }

  /** `rbsp_trailing_bits()`: a one, then zeros to the byte boundary. */
  trailing(): Uint8Array {
    this.bit(1)
    while (this.count !== 0) this.bit(0)
    return Uint8Array.from(this.bytes)
  }
}

/**
 * A NAL unit from its RBSP: the header byte, then the payload with emulation prevention (a 0x03
 * after two zero bytes when the next byte is 0–3), so no start code can appear inside it.
 */
const nal = (refIdc: number, type: number, rbsp: Uint8Array): Uint8Array => {
  const out: Array<number> = [(refIdc << 5) | type]
  let zeros = 0
  for (const byte of rbsp) {
    if (zeros >= 2 && byte <= 3) {
      out.push(3)
      zeros = 0
    }
    out.push(byte)
    zeros = byte === 0 ? zeros + 1 : 0
  }
  return Uint8Array.from(out)
}

/**
 * Whether a frame size is accepted: even width and height from 2 to {@link MAX_DIMENSION}.
 *
 * @since 0.1.0 @category Validation
 */
export const isValidSize = (size: FrameSize): boolean =>
  [size.width, size.height].every((n) => Number.isInteger(n) && n >= 2 && n <= MAX_DIMENSION && n % 2 === 0)

/** Width and height in 16×16 macroblocks. */
const macroblocks = (size: FrameSize) => ({ across: Math.ceil(size.width / 16), down: Math.ceil(size.height / 16) })

/**
 * The lowest level whose frame size limit fits the picture (Table A-1): at most MaxFS
 * macroblocks, and neither side longer than √(8 × MaxFS) macroblocks.
 *
 * @since 0.1.0 @category Encoding
 */
export const levelOf = (size: FrameSize): number => {
  const { across, down } = macroblocks(size)
  for (const [level, maxFs] of LEVELS) {
    if (across * down <= maxFs && Math.max(across, down) <= Math.sqrt(8 * maxFs)) return level
  }
  return 62
}

/**
 * The sequence parameter set: the picture size in macroblocks, cropped to the exact width and
 * height (crop units are 2 pixels in 4:2:0).
 *
 * @since 0.1.0 @category Encoding
 */
export const sps = (size: FrameSize): Uint8Array => {
  const { across, down } = macroblocks(size)
  const bits = new Bits()
  bits.u(8, PROFILE_IDC)
  bits.u(8, CONSTRAINT_FLAGS)
  bits.u(8, levelOf(size))
  bits.ue(0) // seq_parameter_set_id
  bits.ue(FRAME_NUM_BITS - 4) // log2_max_frame_num_minus4
  bits.ue(2) // pic_order_cnt_type: output order is decoding order
  bits.ue(1) // max_num_ref_frames
  bits.bit(0) // gaps_in_frame_num_value_allowed_flag
  bits.ue(across - 1)
  bits.ue(down - 1)
  bits.bit(1) // frame_mbs_only_flag
  bits.bit(1) // direct_8x8_inference_flag
  const right = (across * 16 - size.width) / 2
  const bottom = (down * 16 - size.height) / 2
  const cropped = right > 0 || bottom > 0
  bits.bit(cropped ? 1 : 0)
  if (cropped) {
    bits.ue(0)
    bits.ue(right)
    bits.ue(0)
    bits.ue(bottom)
  }
  bits.bit(0) // vui_parameters_present_flag
  return nal(3, 7, bits.trailing())
}

/**
 * The picture parameter set: CAVLC, one slice group, one reference, QP 26, no weighted
 * prediction, the deblocking filter on (a no-op on a flat picture).
 *
 * @since 0.1.0 @category Encoding
 */
export const pps = (): Uint8Array => {
  const bits = new Bits()
  bits.ue(0) // pic_parameter_set_id
  bits.ue(0) // seq_parameter_set_id
  bits.bit(0) // entropy_coding_mode_flag: CAVLC
  bits.bit(0) // bottom_field_pic_order_in_frame_present_flag
  bits.ue(0) // num_slice_groups_minus1
  bits.ue(0) // num_ref_idx_l0_default_active_minus1
  bits.ue(0) // num_ref_idx_l1_default_active_minus1
  bits.bit(0) // weighted_pred_flag
  bits.u(2, 0) // weighted_bipred_idc
  bits.se(0) // pic_init_qp_minus26
  bits.se(0) // pic_init_qs_minus26
  bits.se(0) // chroma_qp_index_offset
  bits.bit(0) // deblocking_filter_control_present_flag
  bits.bit(0) // constrained_intra_pred_flag
  bits.bit(0) // redundant_pic_cnt_present_flag
  return nal(3, 8, bits.trailing())
}

/**
 * The IDR picture: one I slice of `I_16x16_2_0_0` macroblocks (DC prediction, no coded block),
 * each `mb_type` ue(3), `intra_chroma_pred_mode` ue(0), `mb_qp_delta` se(0) and the empty
 * Intra16x16 DC block (`coeff_token` "1" with nC 0).
 *
 * @since 0.1.0 @category Encoding
 */
export const idr = (size: FrameSize): Uint8Array => {
  const { across, down } = macroblocks(size)
  const bits = new Bits()
  bits.ue(0) // first_mb_in_slice
  bits.ue(7) // slice_type: I, as every slice of the picture
  bits.ue(0) // pic_parameter_set_id
  bits.u(FRAME_NUM_BITS, 0) // frame_num
  bits.ue(0) // idr_pic_id
  bits.bit(0) // no_output_of_prior_pics_flag
  bits.bit(0) // long_term_reference_flag
  bits.se(0) // slice_qp_delta
  for (let mb = across * down; mb > 0; mb--) bits.u(8, 0b00100111)
  return nal(3, 5, bits.trailing())
}

/**
 * The P picture `frameNum` (1, 2, …; written modulo 16): one slice whose macroblocks are all
 * skipped, a copy of the previous picture.
 *
 * @since 0.1.0 @category Encoding
 */
export const skipped = (size: FrameSize, frameNum: number): Uint8Array => {
  const { across, down } = macroblocks(size)
  const bits = new Bits()
  bits.ue(0) // first_mb_in_slice
  bits.ue(5) // slice_type: P, as every slice of the picture
  bits.ue(0) // pic_parameter_set_id
  bits.u(FRAME_NUM_BITS, frameNum % 2 ** FRAME_NUM_BITS)
  bits.bit(0) // num_ref_idx_active_override_flag
  bits.bit(0) // ref_pic_list_modification_flag_l0
  bits.bit(0) // adaptive_ref_pic_marking_mode_flag: sliding window
  bits.se(0) // slice_qp_delta
  bits.ue(across * down) // mb_skip_run: the whole picture
  return nal(2, 1, bits.trailing())
}

/**
 * The `AVCDecoderConfigurationRecord` (ISO/IEC 14496-15 §5.3.3) of the `avcC` box: profile,
 * compatibility and level from the SPS, 4-byte NAL lengths, one SPS and one PPS.
 *
 * @since 0.1.0 @category Encoding
 */
export const decoderConfiguration = (size: FrameSize): Uint8Array => {
  const seq = sps(size)
  const pic = pps()
  const out = new Uint8Array(11 + seq.length + pic.length)
  out.set([1, seq[1] ?? 0, seq[2] ?? 0, seq[3] ?? 0, 0xff, 0xe1, seq.length >> 8, seq.length & 0xff])
  out.set(seq, 8)
  out.set([1, pic.length >> 8, pic.length & 0xff], 8 + seq.length)
  out.set(pic, 11 + seq.length)
  return out
}
