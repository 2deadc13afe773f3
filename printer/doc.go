// Package printer prints queue tickets and dossier receipts on ESC/POS
// thermal printers.
//
// It has three parts:
//
//   - Encoding: [Encode] turns a [Ticket] into the bytes an ESC/POS printer
//     understands, for a paper [Profile] (58 mm or 80 mm). Encoding is a pure
//     function, so golden files in testdata pin the exact bytes.
//   - Transports: a USB line-printer device file, a raw TCP socket (port
//     9100), a serial port, or the virtual printer, which writes each job to
//     a spool directory so a whole center runs on a laptop.
//   - Drivers selected by URI: [ParseURI] reads the device URIs of the
//     configuration (usb:/dev/usb/lp0, tcp:10.0.0.50:9100,
//     serial:/dev/ttyUSB0?baud=9600, virtual:DIR) and [Open] returns a
//     [Printer] for one.
//
// The package knows nothing about queues or dossiers beyond the small values
// it is handed: it never imports the server packages. The server adapts its
// tickets to [Ticket] and its device configuration to [Open]. Tests of code
// that prints use the in-memory fake in package printertest.
//
// Today tickets are encoded in text mode with the Vietnamese diacritics
// folded away (see [Fold]); rendering them as raster images with a font that
// has every Vietnamese letter, with a QR code for the tracking page, comes
// with the printing work, as do status queries over the wire and reconnecting
// with backoff.
package printer
