// Package floor holds what the floor programs of bench/ share: reading a
// file in blocks of whole lines on every core, as leakdesk's readers do.
package floor

import (
	"bytes"
	"io"
	"sync"
)

// Blocks cuts r into blocks of whole lines of about size bytes and calls
// fn with each, from workers goroutines at once. fn learns which worker
// calls it, so that it can keep per-worker state without locks; it must
// not keep the block, whose buffer is reused.
func Blocks(r io.Reader, size, workers int, fn func(worker int, block []byte)) error {
	blocks := make(chan []byte, workers)
	free := make(chan []byte, 2*workers)
	var readErr error
	go func() {
		defer close(blocks)
		var carry []byte
		for {
			var buf []byte
			select {
			case buf = <-free:
			default:
				buf = make([]byte, 0, 2*size)
			}
			buf = append(buf[:0], carry...)
			if cap(buf) < len(buf)+size {
				buf = append(buf, make([]byte, size)...)[:len(buf)] // a line longer than a block
			}
			n, err := io.ReadFull(r, buf[len(buf):len(buf)+size])
			buf = buf[:len(buf)+n]
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				if len(buf) > 0 {
					blocks <- buf
				}
				return
			}
			if err != nil {
				readErr = err
				return
			}
			cut := bytes.LastIndexByte(buf, '\n') + 1
			carry = append(carry[:0], buf[cut:]...)
			blocks <- buf[:cut]
		}
	}()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for block := range blocks {
				fn(w, block)
				select {
				case free <- block[:0]:
				default:
				}
			}
		}()
	}
	wg.Wait()
	return readErr
}
