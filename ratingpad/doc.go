// Package ratingpad speaks to the rating keypads at the counters, on which
// citizens rate the service they just received.
//
// Keypads hang on a shared serial line (RS-485 multidrop, default 19200 8N1)
// and answer a host that polls them. Everything on the line travels in
// frames:
//
//	SOF  DST  SRC  SEQ  CMD  LEN  PAYLOAD    CRC
//	02   1 B  1 B  1 B  1 B  1 B  0–64 B     2 B, CRC-16/MODBUS over DST..PAYLOAD, low byte first
//
// Keypads have addresses 0x01–0xF7, the host is 0xFF, 0x00 is broadcast and
// 0xFE is a keypad that has no address yet. A keypad only speaks to answer
// the host, and every answer sets bit 7 of the request's CMD.
//
// This package holds the frame codec ([Frame], [CRC16Modbus], [Decoder])
// and the [Keypad] interface the server uses. The commands' payloads, the
// serial driver and the keypad simulator come with the keypad protocol work,
// as does firmware-docs/PROTOCOL.md, which a hardware maker builds from.
package ratingpad
