// Command bench measures Go's zerolog and zap writing the benchmark's request_start event, so that
// Benchmarks/compare.sh can print ServiceLog/zerolog and ServiceLog/zap ratios from the same run.
//
// Built in GOPATH mode against Debian's packages (no network, no go.mod):
//
//	GOPATH=/usr/share/gocode GO111MODULE=off go run bench.go [-samples N] [-file-events N]
//
// The event is the one ServiceLog writes for `request_start` with 2 fields: timestamp (RFC 3339 UTC,
// microseconds), level, service, event_type, a unique 32-hex event_id, host, correlation_id, trace_id,
// span_id, trace_flags, method, endpoint, user_id, region and cart_items. As ServiceLog does per
// request context, each logger pre-encodes the service and request fields once (With(...)), and only
// the event's own fields are added per call.
//
// Output: one `RESULT` line per measurement, parsed by the compare tool:
//
//	RESULT <logger> <case> p50_ns=<x> p95_ns=<x> best_ns=<x> allocs=<x> events_per_s=<x>
package main

import (
	"bufio"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

const eventsPerSample = 1000

var (
	eventPrefix  uint64 = 0x5eed5eed5eed5eed
	eventCounter uint64
)

// The request context the events belong to, fixed as in the Swift fixture.
const (
	correlationID = "4bf92f35-77b3-4da6-a3ce-929d0e0e4736"
	traceID       = "4bf92f3577b34da6a3ce929d0e0e4736"
	spanID        = "00f067aa0ba902b7"
)

// hostName is this machine's, as ServiceLog writes it, so both lines have the same length.
var hostName = func() string {
	name, err := os.Hostname()
	if err != nil {
		return "localhost"
	}
	return name
}()

// eventIDWriter formats the next event ID into buffers the caller owns (no allocation per event).
type eventIDWriter struct {
	raw [16]byte
	hex [32]byte
}

func (w *eventIDWriter) next() []byte {
	binary.BigEndian.PutUint64(w.raw[0:8], eventPrefix)
	binary.BigEndian.PutUint64(w.raw[8:16], atomic.AddUint64(&eventCounter, 1))
	return w.raw[:]
}

// nextHex is next() as 32 lowercase hex digits (zap's Binary would write base64).
func (w *eventIDWriter) nextHex() []byte {
	const digits = "0123456789abcdef"
	for i, b := range w.next() {
		w.hex[2*i] = digits[b>>4]
		w.hex[2*i+1] = digits[b&15]
	}
	return w.hex[:]
}

// logger is one peer set up for the event: log writes one event.
type logger struct {
	name string
	make func(io.Writer) func(*eventIDWriter)
}

func zerologPeer() logger {
	zerolog.TimestampFieldName = "timestamp"
	zerolog.TimeFieldFormat = "2006-01-02T15:04:05.000000Z07:00"
	zerolog.TimestampFunc = func() time.Time { return time.Now().UTC() }
	return logger{name: "zerolog", make: func(w io.Writer) func(*eventIDWriter) {
		base := zerolog.New(w).With().Timestamp().Str("service", "orders").Str("host", hostName).Logger()
		request := base.With().Str("correlation_id", correlationID).Str("trace_id", traceID).
			Str("span_id", spanID).Str("trace_flags", "01").Logger()
		return func(ids *eventIDWriter) {
			request.Info().Str("event_type", "request_start").Hex("event_id", ids.next()).
				Str("method", "POST").Str("endpoint", "/v1/orders").Str("user_id", "u-1842").
				Str("region", "eu-west-1").Int("cart_items", 3).Send()
		}
	}}
}

func zapPeer() logger {
	return logger{name: "zap", make: func(w io.Writer) func(*eventIDWriter) {
		config := zapcore.EncoderConfig{
			TimeKey: "timestamp", LevelKey: "level", MessageKey: "",
			EncodeTime:  zapcore.TimeEncoderOfLayout("2006-01-02T15:04:05.000000Z07:00"),
			EncodeLevel: zapcore.LowercaseLevelEncoder,
		}
		core := zapcore.NewCore(zapcore.NewJSONEncoder(config), zapcore.AddSync(w), zapcore.InfoLevel)
		base := zap.New(core).With(zap.String("service", "orders"), zap.String("host", hostName))
		request := base.With(zap.String("correlation_id", correlationID), zap.String("trace_id", traceID),
			zap.String("span_id", spanID), zap.String("trace_flags", "01"))
		return func(ids *eventIDWriter) {
			request.Info("", zap.String("event_type", "request_start"), zap.ByteString("event_id", ids.nextHex()),
				zap.String("method", "POST"), zap.String("endpoint", "/v1/orders"), zap.String("user_id", "u-1842"),
				zap.String("region", "eu-west-1"), zap.Int("cart_items", 3))
		}
	}}
}

// perCall times samples of eventsPerSample events to a buffered /dev/null (64 KiB, like the Swift
// baselines' sink) and returns per-event p50, p95, best and allocations.
func perCall(peer logger, samples int) (p50, p95, best, allocs float64) {
	devnull, err := os.OpenFile("/dev/null", os.O_WRONLY, 0)
	if err != nil {
		panic(err)
	}
	defer devnull.Close()
	sink := bufio.NewWriterSize(devnull, 64*1024)
	log := peer.make(sink)
	ids := &eventIDWriter{}
	for i := 0; i < 20*eventsPerSample; i++ { // warm-up
		log(ids)
	}
	times := make([]float64, samples)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for s := 0; s < samples; s++ {
		start := time.Now()
		for i := 0; i < eventsPerSample; i++ {
			log(ids)
		}
		times[s] = float64(time.Since(start).Nanoseconds()) / eventsPerSample
	}
	runtime.ReadMemStats(&after)
	sink.Flush()
	sort.Float64s(times)
	return times[samples/2], times[samples*95/100], times[0], float64(after.Mallocs-before.Mallocs) / float64(samples*eventsPerSample)
}

// toFile writes events to a real file through a 64 KiB buffer and returns events per second of wall
// time (the Go loggers write synchronously on the calling goroutine: one core).
func toFile(peer logger, events int) float64 {
	file, err := os.CreateTemp("", "go-peers-*.log")
	if err != nil {
		panic(err)
	}
	defer os.Remove(file.Name())
	defer file.Close()
	sink := bufio.NewWriterSize(file, 64*1024)
	log := peer.make(sink)
	ids := &eventIDWriter{}
	start := time.Now()
	for i := 0; i < events; i++ {
		log(ids)
	}
	sink.Flush()
	return float64(events) / time.Since(start).Seconds()
}

func main() {
	samples := flag.Int("samples", 2000, "samples of 1000 events per logger")
	fileEvents := flag.Int("file-events", 1_000_000, "events written to a file per logger (0: skip)")
	lines := flag.Bool("lines", false, "print one line per logger and exit")
	flag.Parse()
	runtime.GOMAXPROCS(1) // one core, like the Swift caller
	for _, peer := range []logger{zerologPeer(), zapPeer()} {
		if *lines {
			fmt.Printf("%s:\n", peer.name)
			out := bufio.NewWriter(os.Stdout)
			peer.make(out)(&eventIDWriter{})
			out.Flush()
			continue
		}
		p50, p95, best, allocs := perCall(peer, *samples)
		rate := 0.0
		if *fileEvents > 0 {
			rate = toFile(peer, *fileEvents)
		}
		fmt.Printf("RESULT %s request_start p50_ns=%.1f p95_ns=%.1f best_ns=%.1f allocs=%.2f events_per_s=%.0f\n",
			peer.name, p50, p95, best, allocs, rate)
	}
}
