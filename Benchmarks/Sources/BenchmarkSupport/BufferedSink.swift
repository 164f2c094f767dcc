import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `/dev/null` behind a 64 KiB buffer: the sink both baseline handlers write to.
///
/// ServiceLog batches lines in its ``ServiceLog/LineWriter`` and writes them from a background thread, so
/// a baseline that made one `write(2)` per event would be charged a syscall that ServiceLog is not. With
/// this sink the baselines pay for formatting and a `memcpy` under a lock, and one `write(2)` per 64 KiB:
/// the comparison is about producing the line, which is what the issue asks.
public final class BufferedSink: Sendable {
    // Unchecked: the raw buffer is owned by the state and only touched under the mutex.
    struct State: ~Copyable, @unchecked Sendable {
        let base: UnsafeMutableRawPointer
        var count = 0
        let capacity: Int
        let fileDescriptor: Int32

        init(capacity: Int, fileDescriptor: Int32) {
            self.capacity = capacity
            self.base = .allocate(byteCount: capacity, alignment: 16)
            self.fileDescriptor = fileDescriptor
        }

        deinit {
            base.deallocate()
            close(fileDescriptor)
        }

        mutating func drain() {
            var offset = 0
            while offset < count {
                let written = write(fileDescriptor, base + offset, count - offset)
                if written <= 0 { break }
                offset += written
            }
            count = 0
        }
    }

    private let state: Mutex<State>

    /// Opens `path` (default `/dev/null`) for writing.
    public convenience init(path: String = "/dev/null", capacity: Int = 64 * 1024) {
        let descriptor = open(path, O_WRONLY)
        precondition(descriptor >= 0, "cannot open \(path)")
        self.init(fileDescriptor: descriptor, capacity: capacity)
    }

    /// Writes to `fileDescriptor`, which the sink then owns (and closes).
    public init(fileDescriptor: Int32, capacity: Int = 64 * 1024) {
        state = Mutex(State(capacity: capacity, fileDescriptor: fileDescriptor))
    }

    /// Copies `bytes` into the buffer, writing the buffer out first when they do not fit.
    public func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        state.withLock { state in
            if state.count + bytes.count > state.capacity { state.drain() }
            if bytes.count > state.capacity {
                _ = write(state.fileDescriptor, source, bytes.count)
                return
            }
            (state.base + state.count).copyMemory(from: source, byteCount: bytes.count)
            state.count += bytes.count
        }
    }

    /// Copies the UTF-8 bytes of `text`.
    public func append(_ text: String) {
        var text = text
        text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    /// Writes out what is buffered.
    public func flush() {
        state.withLock { $0.drain() }
    }
}

/// A `TextOutputStream` over a ``BufferedSink``, for swift-log's `StreamLogHandler`.
public struct SinkTextStream: TextOutputStream, Sendable {
    public let sink: BufferedSink

    public init(_ sink: BufferedSink) {
        self.sink = sink
    }

    public mutating func write(_ string: String) {
        sink.append(string)
    }
}
