package printer

import "testing"

func TestBitmapSetAt(t *testing.T) {
	b := NewBitmap(20, 3) // rounds up to 24 dots
	if b.W != 24 || b.H != 3 || len(b.Pix) != 9 {
		t.Fatalf("NewBitmap(20, 3) = %d×%d with %d bytes, want 24×3 with 9", b.W, b.H, len(b.Pix))
	}
	b.Set(0, 0, true)
	b.Set(9, 1, true)
	b.Set(23, 2, true)
	b.Set(-1, 0, true) // outside: ignored
	b.Set(24, 0, true)
	b.Set(0, 3, true)
	want := []byte{0x80, 0, 0, 0, 0x40, 0, 0, 0, 0x01}
	for i := range want {
		if b.Pix[i] != want[i] {
			t.Fatalf("Pix = % x, want % x", b.Pix, want)
		}
	}
	for _, tc := range []struct {
		x, y int
		want bool
	}{{0, 0, true}, {1, 0, false}, {9, 1, true}, {23, 2, true}, {24, 2, false}, {-1, 0, false}, {0, 3, false}} {
		if got := b.At(tc.x, tc.y); got != tc.want {
			t.Errorf("At(%d, %d) = %v, want %v", tc.x, tc.y, got, tc.want)
		}
	}
	b.Set(9, 1, false)
	if b.At(9, 1) {
		t.Error("At(9, 1) after Set(9, 1, false) = true, want false")
	}
	img := b.Image()
	if img.Bounds().Dx() != 24 || img.Bounds().Dy() != 3 {
		t.Fatalf("Image bounds %v, want 24×3", img.Bounds())
	}
	if got := img.GrayAt(0, 0).Y; got != 0 {
		t.Errorf("Image at (0, 0) = %d, want 0 (black)", got)
	}
	if got := img.GrayAt(1, 0).Y; got != 255 {
		t.Errorf("Image at (1, 0) = %d, want 255 (white)", got)
	}
}
