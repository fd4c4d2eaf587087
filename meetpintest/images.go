package meetpintest

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
)

// ZeroPNG returns a w×h RGBA PNG of all-zero pixels with depth bits per
// channel (8 or 16): the decompression bomb of the attack review. At
// 6324×6324×16 bits it is 311 KB of file and 320 MB of pixels.
//
// The zlib stream is written by hand, as zlib's own compressor would
// write it (one dynamic-Huffman block: a zero, then 2-bit copies of 258
// bytes at distance 1), so that building it takes milliseconds instead of
// compressing 320 MB.
func ZeroPNG(w, h, depth int) []byte {
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = byte(depth), 6 // colour type 6: RGBA
	pngChunk(&out, "IHDR", ihdr)
	n := h * (1 + w*4*depth/8) // each row: filter byte 0, then the pixels
	pngChunk(&out, "IDAT", zlibZeros(n))
	pngChunk(&out, "IEND", nil)
	return out.Bytes()
}

// zlibZeros returns a zlib stream of n zero bytes (n ≥ 1).
//
// Its one block has three literal/length codes (length 258: "0", literal
// 0: "10", end of block: "11") and one distance code (distance 1: "0").
// The code lengths are sent with the code-length alphabet {18: "0",
// 1: "10", 2: "11"}, 18 being a run of 11–138 zero lengths.
func zlibZeros(n int) []byte {
	var bw bitWriter
	bw.bits(1, 1)  // BFINAL
	bw.bits(2, 2)  // BTYPE 10: dynamic Huffman codes
	bw.bits(29, 5) // HLIT: 286 literal/length codes
	bw.bits(0, 5)  // HDIST: 1 distance code
	bw.bits(14, 4) // HCLEN: 18 code-length code lengths, in RFC 1951's order
	for _, l := range []uint64{0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2} {
		bw.bits(l, 3) // 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1
	}
	zeros := func(k uint64) { bw.code(0, 1); bw.bits(k-11, 7) } // code 18: k zero lengths
	bw.code(0b11, 2)                                            // literal 0: length 2
	zeros(138)
	zeros(117)       // literals 1–255: unused
	bw.code(0b11, 2) // 256, end of block: length 2
	zeros(28)        // lengths 257–284: unused
	bw.code(0b10, 2) // 285, length 258: length 1
	bw.code(0b10, 2) // distance 0 (1 byte back): length 1

	bw.code(0b10, 2) // literal 0
	left := n - 1
	for ; left >= 258; left -= 258 {
		bw.code(0, 1) // length 258
		bw.code(0, 1) // distance 1
	}
	for ; left > 0; left-- {
		bw.code(0b10, 2)
	}
	bw.code(0b11, 2) // end of block
	out := append([]byte{0x78, 0x01}, bw.flush()...)
	// Adler-32 of zeros: a stays 1, b adds 1 per byte.
	return binary.BigEndian.AppendUint32(out, uint32(n%65521)<<16|1)
}

// bitWriter writes deflate's bit stream: values least significant bit
// first, Huffman codes most significant bit first.
type bitWriter struct {
	buf   []byte
	acc   uint64
	nbits uint
}

func (b *bitWriter) bits(v uint64, n uint) {
	b.acc |= v << b.nbits
	b.nbits += n
	for b.nbits >= 8 {
		b.buf = append(b.buf, byte(b.acc))
		b.acc >>= 8
		b.nbits -= 8
	}
}

func (b *bitWriter) code(c uint64, n uint) {
	var r uint64
	for i := range n {
		r |= (c >> i & 1) << (n - 1 - i)
	}
	b.bits(r, n)
}

func (b *bitWriter) flush() []byte {
	if b.nbits > 0 {
		b.buf = append(b.buf, byte(b.acc))
		b.acc, b.nbits = 0, 0
	}
	return b.buf
}

func pngChunk(out *bytes.Buffer, typ string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	out.Write(n[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	out.WriteString(typ)
	out.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	out.Write(n[:])
}
