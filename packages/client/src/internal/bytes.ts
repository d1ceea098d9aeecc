/**
 * Joining the pieces of a bounded read (a body, a file) into one buffer.
 *
 * @internal
 */

/** The pieces as one `Uint8Array` (the piece itself when there is only one). */
export const concat = (pieces: ReadonlyArray<Uint8Array>): Uint8Array => {
  if (pieces.length === 1) return pieces[0]!
  let total = 0
  for (const piece of pieces) total += piece.byteLength
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const piece of pieces) {
    bytes.set(piece, offset)
    offset += piece.byteLength
  }
  return bytes
}
