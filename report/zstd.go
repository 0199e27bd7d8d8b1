package report

import (
	"sync"

	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go/format"
)

// zstdCodec compresses trials.parquet's pages with one zstd encoder for the whole file, held by
// the sink. parquet-go's own codec keeps its encoders in a pool that every garbage collection
// empties, and a new encoder allocates its history anew: about 70 MB of garbage per 200,000
// trials of the reference scenario, which a long run's heap then grows by.
type zstdCodec struct {
	enc     *zstd.Encoder
	decOnce sync.Once
	dec     *zstd.Decoder // made on first use (the writer never decodes)
	decErr  error
}

func newZstdCodec(level zstd.EncoderLevel) *zstdCodec {
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1), zstd.WithEncoderLevel(level),
		zstd.WithZeroFrames(true), zstd.WithEncoderCRC(false))
	if err != nil {
		panic(err) // constant, valid options
	}
	return &zstdCodec{enc: enc}
}

func (c *zstdCodec) String() string                            { return "ZSTD" }
func (c *zstdCodec) CompressionCodec() format.CompressionCodec { return format.Zstd }

func (c *zstdCodec) Encode(dst, src []byte) ([]byte, error) {
	return c.enc.EncodeAll(src, dst[:0]), nil
}

func (c *zstdCodec) Decode(dst, src []byte) ([]byte, error) {
	c.decOnce.Do(func() { c.dec, c.decErr = zstd.NewReader(nil, zstd.WithDecoderConcurrency(1)) })
	if c.decErr != nil {
		return nil, c.decErr
	}
	return c.dec.DecodeAll(src, dst[:0])
}
