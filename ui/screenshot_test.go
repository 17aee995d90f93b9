package ui

import (
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/vt"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Screenshots for the README: the golden screens drawn to PNG, cell by cell,
// from the same terminal emulator. Regenerate with
//
//	GUESTHUNT_SCREENSHOTS=../screenshots go test ./ui -run TestGoldenScreens
//
// Go Mono lacks the block and arrow glyphs the workbench uses; those are
// drawn as shapes so the pictures show what a terminal shows.

const shotFontSize = 15

var (
	shotBackground = color.RGBA{0x1b, 0x1d, 0x23, 0xff}
	shotForeground = color.RGBA{0xd8, 0xdc, 0xe4, 0xff}
)

type shotFonts struct {
	regular, bold font.Face
	cellW, cellH  int
	ascent        int
}

func loadShotFonts() (*shotFonts, error) {
	face := func(ttf []byte) (font.Face, error) {
		f, err := opentype.Parse(ttf)
		if err != nil {
			return nil, err
		}
		return opentype.NewFace(f, &opentype.FaceOptions{Size: shotFontSize, DPI: 72, Hinting: font.HintingFull})
	}
	regular, err := face(gomono.TTF)
	if err != nil {
		return nil, err
	}
	bold, err := face(gomonobold.TTF)
	if err != nil {
		return nil, err
	}
	adv, _ := regular.GlyphAdvance('M')
	m := regular.Metrics()
	return &shotFonts{regular: regular, bold: bold, cellW: adv.Ceil(), cellH: (m.Ascent + m.Descent).Ceil() + 2,
		ascent: m.Ascent.Ceil() + 1}, nil
}

func writeScreenshot(path string, e *vt.SafeEmulator) error {
	fonts, err := loadShotFonts()
	if err != nil {
		return err
	}
	const pad = 12
	emuMu.Lock() // see screens_test.go
	defer emuMu.Unlock()
	w, h := e.Width(), e.Height()
	img := image.NewRGBA(image.Rect(0, 0, w*fonts.cellW+2*pad, h*fonts.cellH+2*pad))
	draw.Draw(img, img.Bounds(), &image.Uniform{shotBackground}, image.Point{}, draw.Src)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := e.CellAt(x, y)
			if c == nil {
				continue
			}
			fg, bg := color.Color(shotForeground), color.Color(nil)
			if c.Style.Fg != nil {
				fg = c.Style.Fg
			}
			if c.Style.Bg != nil {
				bg = c.Style.Bg
			}
			if c.Style.Attrs&uv.AttrReverse != 0 {
				if bg == nil {
					bg = shotBackground
				}
				fg, bg = bg, fg
			}
			cell := image.Rect(pad+x*fonts.cellW, pad+y*fonts.cellH, pad+(x+max(c.Width, 1))*fonts.cellW, pad+(y+1)*fonts.cellH)
			if bg != nil {
				draw.Draw(img, cell, &image.Uniform{bg}, image.Point{}, draw.Src)
			}
			face := fonts.regular
			if c.Style.Attrs&uv.AttrBold != 0 {
				face = fonts.bold
			}
			drawCell(img, cell, c.Content, fg, face, fonts.ascent)
			if c.Style.Underline != 0 {
				draw.Draw(img, image.Rect(cell.Min.X, cell.Max.Y-2, cell.Max.X, cell.Max.Y-1), &image.Uniform{fg}, image.Point{}, draw.Src)
			}
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return png.Encode(f, img)
}

// drawCell draws one grapheme, as a shape where Go Mono has no glyph.
func drawCell(img *image.RGBA, cell image.Rectangle, content string, fg color.Color, face font.Face, ascent int) {
	if content == "" || content == " " {
		return
	}
	r := []rune(content)[0]
	fill := func(rect image.Rectangle) { draw.Draw(img, rect, &image.Uniform{fg}, image.Point{}, draw.Over) }
	switch {
	case r >= 0x2581 && r <= 0x2588: // lower eighth blocks
		eighths := int(r-0x2581) + 1
		top := cell.Max.Y - cell.Dy()*eighths/8
		fill(image.Rect(cell.Min.X, top, cell.Max.X, cell.Max.Y))
		return
	case r == 0x2591 || r == 0x2592 || r == 0x2593: // shades
		for py := cell.Min.Y; py < cell.Max.Y; py++ {
			for px := cell.Min.X; px < cell.Max.X; px++ {
				if (px+py)%int(4-(r-0x2591)) == 0 {
					img.Set(px, py, fg)
				}
			}
		}
		return
	case r == 0x25B6: // ▶
		h := cell.Dy() / 2
		for i := 0; i < h; i++ {
			y0, y1 := cell.Min.Y+h/2+i/2, cell.Min.Y+h/2+h-i/2
			fill(image.Rect(cell.Min.X+1+i*(cell.Dx()-2)/h, y0, cell.Min.X+2+i*(cell.Dx()-2)/h, y1))
		}
		return
	case r == 0x270E || r == 0x270F: // ✎ ✏: a pencil, as a diagonal stroke with a tip
		for i := 0; i < cell.Dx()-2; i++ {
			x := cell.Min.X + 1 + i
			y := cell.Max.Y - 4 - i*(cell.Dy()-8)/(cell.Dx()-2)
			fill(image.Rect(x, y-1, x+2, y+1))
		}
		fill(image.Rect(cell.Min.X+1, cell.Max.Y-4, cell.Min.X+3, cell.Max.Y-2))
		return
	case r == 0x2500: // ─
		fill(image.Rect(cell.Min.X, cell.Min.Y+cell.Dy()/2, cell.Max.X, cell.Min.Y+cell.Dy()/2+1))
		return
	case r == 0x2502: // │
		fill(image.Rect(cell.Min.X+cell.Dx()/2, cell.Min.Y, cell.Min.X+cell.Dx()/2+1, cell.Max.Y))
		return
	}
	if _, ok := face.GlyphAdvance(r); !ok {
		// No glyph: a hollow box, as many terminals show.
		box := image.Rect(cell.Min.X+1, cell.Min.Y+3, cell.Max.X-1, cell.Max.Y-3)
		for px := box.Min.X; px < box.Max.X; px++ {
			img.Set(px, box.Min.Y, fg)
			img.Set(px, box.Max.Y-1, fg)
		}
		for py := box.Min.Y; py < box.Max.Y; py++ {
			img.Set(box.Min.X, py, fg)
			img.Set(box.Max.X-1, py, fg)
		}
		return
	}
	d := font.Drawer{Dst: img, Src: &image.Uniform{fg}, Face: face,
		Dot: fixed.P(cell.Min.X, cell.Min.Y+ascent)}
	d.DrawString(content)
}
