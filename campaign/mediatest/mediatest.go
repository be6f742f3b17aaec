// Package mediatest builds small files that start as real media files do,
// for tests of uploads: the first bytes are what a sniffer reads, the rest
// is the payload the test gives.
package mediatest

import "encoding/binary"

// box returns an ISO base media (MP4) box of type typ around payload.
func box(typ string, payload []byte) []byte {
	b := make([]byte, 8, 8+len(payload))
	binary.BigEndian.PutUint32(b, uint32(8+len(payload)))
	copy(b[4:], typ)
	return append(b, payload...)
}

// isoFile returns an ftyp box of major brand major and the compatible
// brands, then an mdat box holding payload.
func isoFile(payload []byte, major string, compatible ...string) []byte {
	ftyp := []byte(major)
	ftyp = append(ftyp, 0, 0, 2, 0) // minor version
	for _, c := range compatible {
		ftyp = append(ftyp, c...)
	}
	return append(box("ftyp", ftyp), box("mdat", payload)...)
}

// MP4 returns an MP4 video (brands isom, iso2, avc1, mp41) holding payload.
func MP4(payload []byte) []byte {
	return isoFile(payload, "isom", "isom", "iso2", "avc1", "mp41")
}

// MP4NoMP4Brand returns an MP4 whose brands name no "mp4" (isom, iso5), as
// some encoders write them: net/http does not recognise it.
func MP4NoMP4Brand(payload []byte) []byte {
	return isoFile(payload, "isom", "isom", "iso5")
}

// M4A returns an MPEG-4 audio file holding payload.
func M4A(payload []byte) []byte {
	return isoFile(payload, "M4A ", "M4A ", "mp42", "isom")
}

// MOV returns a QuickTime movie holding payload.
func MOV(payload []byte) []byte {
	return isoFile(payload, "qt  ", "qt  ")
}

// WebM returns a WebM file: an EBML header of doc type "webm", then
// payload.
func WebM(payload []byte) []byte {
	head := []byte{0x1A, 0x45, 0xDF, 0xA3, 0x8F, 0x42, 0x86, 0x81, 0x01, 0x42, 0xF7, 0x81, 0x01, 0x42, 0x82, 0x84, 'w', 'e', 'b', 'm'}
	return append(head, payload...)
}

// MP3 returns an MP3 file with an ID3v2.4 tag, then payload.
func MP3(payload []byte) []byte {
	return append([]byte("ID3\x04\x00\x00\x00\x00\x00\x00"), payload...)
}

// Ogg returns an Ogg page header, then payload.
func Ogg(payload []byte) []byte {
	return append([]byte("OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00"), payload...)
}

// PNG returns the PNG signature and an IHDR chunk, then payload.
func PNG(payload []byte) []byte {
	return append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"), payload...)
}

// JPEG returns a JPEG start of image and JFIF segment, then payload.
func JPEG(payload []byte) []byte {
	return append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"), payload...)
}

// GIF returns a GIF89a header, then payload.
func GIF(payload []byte) []byte {
	return append([]byte("GIF89a\x01\x00\x01\x00\x00\x00\x00"), payload...)
}

// WebP returns a RIFF WebP header, then payload.
func WebP(payload []byte) []byte {
	return append([]byte("RIFF\x00\x00\x00\x00WEBPVP8 "), payload...)
}

// PDF returns a PDF header, then payload.
func PDF(payload []byte) []byte {
	return append([]byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), payload...)
}
