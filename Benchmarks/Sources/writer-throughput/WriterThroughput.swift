import BenchmarkSupport
import Foundation
import Logging
import ServiceLog
import Synchronization

// Does ServiceLog's writer sustain 1M events/s to a file on one core? Logs the benchmark's
// `request_start` event (inside a request context) to a real file through a `RotatingFileOutput`, flushes,
// and reports events/s of wall time and events per CPU second (both threads: the caller's encoding and
// the writer thread's write(2)s). Run it pinned to one core so the two threads share it:
//
//   cd Benchmarks && swift build -c release --product writer-throughput \
//     && taskset -c 0 $(swift build -c release --show-bin-path)/writer-throughput [events] [path...]
//
// Paths (default: all): `typed` (logger.event(.requestStart(…), fields: …)), `metadata` (the swift-log path
// with the caller's metadata dictionary), `line` (a pre-encoded line appended as is: the writer alone),
// `write(2)` (no ServiceLog: the same bytes written in 64 KiB blocks, the machine's ceiling for this
// line length; on a VM the kernel's page-cache copy is the bound).
// `--capacity BYTES` sets the writer's buffer (default 8 MiB); `--file PATH` writes to PATH instead.
// Median of 3 runs each. Also the loop to profile: `perf record -g … writer-throughput 3000000 typed`.

/// The value of `--name VALUE` in the arguments, and the arguments without it.
func option(_ name: String, in arguments: [String]) -> (value: String?, rest: [String]) {
    guard let flag = arguments.firstIndex(of: name), flag + 1 < arguments.count else { return (nil, arguments) }
    return (arguments[flag + 1], arguments.enumerated().filter { $0.offset != flag && $0.offset != flag + 1 }.map(\.element))
}
/// `--file PATH` writes there instead of a new file in the temporary directory (e.g. a tmpfs, or
/// `/dev/null` to profile the caller without the kernel's page-cache copy).
let (fixedPath, afterFile) = option("--file", in: Array(CommandLine.arguments.dropFirst()))
/// `--capacity BYTES`: the writer's buffer (default 8 MiB, `ServiceLog.makeWriter`'s default).
let (capacityText, arguments) = option("--capacity", in: afterFile)
let capacity = capacityText.flatMap(Int.init) ?? 8 << 20
let events = arguments.first.flatMap(Int.init) ?? 1_000_000
let chosen = arguments.filter { Int($0) == nil }
let paths = chosen.isEmpty ? ["typed", "metadata", "line", "write(2)"] : chosen

/// CPU seconds of the whole process (user + system, all threads).
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// One run: `events` events of `path` to a fresh file. Returns (events/s wall, events per CPU second).
func run(_ path: String) -> (wall: Double, cpu: Double) {
    let file = fixedPath ?? NSTemporaryDirectory() + "writer-throughput-\(getpid()).log"
    if fixedPath == nil { unlink(file) }
    defer { if fixedPath == nil { unlink(file) } }
    let output = try! RotatingFileOutput(path: file, maxBytes: 1 << 40)
    let configuration = ServiceLogConfiguration(service: Fixture.service)
    let writer = ServiceLog.makeWriter(configuration: configuration, output: output, capacity: capacity)
    let logger = Logger(label: Fixture.service) { label in
        ServiceLogHandler(label: label, configuration: configuration, writer: writer)
    }
    let line = capturedLine()
    let startCPU = cpuSeconds()
    let start = DispatchTime.now().uptimeNanoseconds
    if path == "write(2)" {
        writeBlocks(of: line, count: events, to: file)
    } else {
        log(path, logger: logger, writer: writer, line: line)
    }
    writer.flush()
    let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let cpu = cpuSeconds() - startCPU
    writer.shutdown()
    return (Double(events) / wall, Double(events) / cpu)
}

func log(_ path: String, logger: Logger, writer: LineWriter, line: [UInt8]) {
    Fixture.context.withCurrent {
        switch path {
        case "typed":
            for _ in 0..<events { Fixture.logTypedFields(logger) }
        case "metadata":
            for _ in 0..<events { Fixture.logTyped(logger) }
        case "line":
            line.withUnsafeBytes { bytes in
                for _ in 0..<events { writer.append { $0.append(bytes) } }
            }
        default:
            fatalError("unknown path \(path): typed, metadata, line or write(2)")
        }
    }
}

/// `count` copies of `line` (plus newline) written with plain write(2) calls of 64 KiB to `path`.
func writeBlocks(of line: [UInt8], count: Int, to path: String) {
    let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    precondition(fd >= 0, "cannot open \(path)")
    defer { close(fd) }
    let perBlock = max(1, 65_536 / (line.count + 1))
    let block = Array((0..<perBlock).map { _ in line + [0x0A] }.joined())
    var written = 0
    block.withUnsafeBytes { bytes in
        while written < count {
            let lines = min(perBlock, count - written)
            let size = lines * (line.count + 1)
            var offset = 0
            while offset < size {
                let result = write(fd, bytes.baseAddress! + offset, size - offset)
                precondition(result > 0, "write failed")
                offset += result
            }
            written += lines
        }
    }
}

/// The line the typed path writes (without its newline), to replay in the `line` path.
func capturedLine() -> [UInt8] {
    final class Capture: LogOutput {
        let bytes = Mutex<[UInt8]>([])
        func write(_ lines: UnsafeRawBufferPointer) throws(LogOutputError) { bytes.withLock { $0 += lines } }
    }
    let capture = Capture()
    let configuration = ServiceLogConfiguration(service: Fixture.service)
    let writer = LineWriter(output: capture)
    let logger = Logger(label: Fixture.service) { ServiceLogHandler(label: $0, configuration: configuration, writer: writer) }
    Fixture.context.withCurrent { Fixture.logTypedFields(logger) }
    writer.shutdown()
    return capture.bytes.withLock { Array($0.prefix { $0 != 0x0A }) }
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

print("request_start with 2 fields to \(fixedPath ?? "a new file in " + NSTemporaryDirectory()), writer buffer \(capacity) bytes, \(events) events per run, median of 3 (load: \(loadAverage()))")
for path in paths {
    let runs = (0..<3).map { _ in run(path) }
    let wall = median(runs.map(\.wall))
    let cpu = median(runs.map(\.cpu))
    print(
        "RESULT writer \(path) capacity=\(capacity) events_per_s=\(Int(wall)) events_per_cpu_s=\(Int(cpu))"
            + " target_1M=\(wall >= 1_000_000 ? "met" : "MISSED")")
}

func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
}
