package printer

import (
	"testing"
	"time"
)

// Link speeds for BenchmarkTicketTiming, in bytes per second.
const (
	usbFullSpeedBps = 19 * 64 * 1000 // USB 1.1 full speed bulk: at most 19 packets of 64 bytes a 1 ms frame
	tcpBps          = 100e6 / 8      // a 100 Mbit/s LAN
	serialBps       = 115200 / 10    // 115200 baud, 8N1: 10 bits on the wire a byte
	headMMPerS      = 250            // a fast thermal head
)

// BenchmarkTicketTiming reports, for an 80 mm ticket, its bytes, its length
// of paper, the time a 250 mm/s printer takes to print it, and the time its
// bytes take over USB full speed, TCP and 115200-baud serial: when the
// link is slower than the head, the printer waits for data.
//
//	go test -run='^$' -bench=TicketTiming ./printer/
func BenchmarkTicketTiming(b *testing.B) {
	for _, name := range []string{"80mm", "epson-tm-t20-80", "epson-tm-t20-80+text"} {
		b.Run(name, func(b *testing.B) {
			p, err := LookupProfile(name)
			if err != nil {
				b.Fatal(err)
			}
			var data []byte
			for b.Loop() {
				if data, err = Encode(sampleTimingTicket(), p); err != nil {
					b.Fatal(err)
				}
			}
			page, err := Interpret(data, p.WidthDots)
			if err != nil {
				b.Fatal(err)
			}
			mm := float64(page.Image.Bounds().Dy()) / 8 // 203 dpi: 8 dots a mm
			ms := func(bytesPerS float64) float64 { return float64(len(data)) / bytesPerS * 1000 }
			b.ReportMetric(float64(len(data)), "bytes/ticket")
			b.ReportMetric(mm, "mm/ticket")
			b.ReportMetric(mm/headMMPerS*1000, "print-ms@250mm/s")
			b.ReportMetric(ms(usbFullSpeedBps), "usb-fs-ms")
			b.ReportMetric(ms(tcpBps), "tcp100-ms")
			b.ReportMetric(ms(serialBps), "serial115200-ms")
		})
	}
}

func sampleTimingTicket() Ticket {
	return Ticket{
		Center: "Trung tâm Phục vụ hành chính công tỉnh Hà Nam", Number: "1023",
		Service: "Đăng ký thành lập doanh nghiệp", Department: "Sở Kế hoạch và Đầu tư",
		IssuedAt: time.Date(2026, 11, 27, 9, 5, 0, 0, time.FixedZone("ICT", 7*3600)), WaitingAhead: 12,
		EstimatedWait: 25 * time.Minute, TrackURL: "http://192.168.1.10:8080/t/abcdefghijklmnopqrstuvwxyz234567",
	}
}
