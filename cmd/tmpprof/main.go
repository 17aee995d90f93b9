package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"time"

	"github.com/guesthunt/guesthunt/data/formats"
)

func main() {
	f, _ := os.Open(os.Args[1])
	pf, _ := os.Create("/tmp/gh-bench/cpu.prof")
	pprof.StartCPUProfile(pf)
	defer pprof.StopCPUProfile()
	start := time.Now()
	rr, err := formats.NewRecordReader(formats.Format(os.Args[2]), bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		panic(err)
	}
	out, _ := os.Create("/tmp/gh-bench/canon.ndjson")
	w := bufio.NewWriterSize(out, 1<<20)
	enc := formats.NewCanonicalEncoder(w)
	n := 0
	for {
		_, rec, err := rr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			continue
		}
		enc.Encode(rec)
		n++
	}
	w.Flush()
	fmt.Println(n, time.Since(start))
}
