import CSystemd
import ServiceLog

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The journal field names ``JournalOutput`` writes, each with its `=`.
///
/// They are the canonical field names uppercased, with no prefix, so `journalctl TRACE_ID=…` works the way
/// one would guess. Every name satisfies journald's rule (`[A-Z0-9_]`, not starting with `_` or a digit,
/// at most 64 characters; journald silently drops fields that break it), which a test checks.
/// `StaticString` keeps them out of the heap: appending one is a `memcpy`.
enum JournalField {
    static let message: StaticString = "MESSAGE="
    static let priority: StaticString = "PRIORITY="
    static let syslogIdentifier: StaticString = "SYSLOG_IDENTIFIER="

    static let timestamp: StaticString = "TIMESTAMP="
    static let level: StaticString = "LEVEL="
    static let service: StaticString = "SERVICE="
    static let eventType: StaticString = "EVENT_TYPE="
    static let eventID: StaticString = "EVENT_ID="
    static let host: StaticString = "HOST="
    static let instance: StaticString = "INSTANCE="
    static let source: StaticString = "SOURCE="
    static let correlationID: StaticString = "CORRELATION_ID="
    static let traceID: StaticString = "TRACE_ID="
    static let spanID: StaticString = "SPAN_ID="
    static let parentSpanID: StaticString = "PARENT_SPAN_ID="
    static let traceFlags: StaticString = "TRACE_FLAGS="
    static let method: StaticString = "METHOD="
    static let endpoint: StaticString = "ENDPOINT="
    static let userID: StaticString = "USER_ID="
    static let statusCode: StaticString = "STATUS_CODE="
    static let durationMS: StaticString = "DURATION_MS="
    static let success: StaticString = "SUCCESS="
    static let targetService: StaticString = "TARGET_SERVICE="
    static let error: StaticString = "ERROR="
    static let attempt: StaticString = "ATTEMPT="
    static let errorType: StaticString = "ERROR_TYPE="
    static let stack: StaticString = "STACK="
    static let memoryMB: StaticString = "MEMORY_MB="
    static let cpuPercent: StaticString = "CPU_PERCENT="
    static let threads: StaticString = "THREADS="
    static let openFDs: StaticString = "OPEN_FDS="
    static let droppedEvents: StaticString = "DROPPED_EVENTS="
    static let lineTruncated: StaticString = "LINE_TRUNCATED="
    static let fieldTruncated: StaticString = "FIELD_TRUNCATED="

    /// Every name above (for the validity test).
    static let all: [StaticString] = [
        message, priority, syslogIdentifier, timestamp, level, service, eventType, eventID, host, instance, source,
        correlationID, traceID, spanID, parentSpanID, traceFlags, method, endpoint, userID, statusCode, durationMS,
        success, targetService, error, attempt, errorType, stack, memoryMB, cpuPercent, threads, openFDs,
        droppedEvents, lineTruncated, fieldTruncated,
    ]
}

/// One journal entry under construction: `NAME=value` fields laid out back to back in one reusable
/// buffer, sent with a single `sd_journal_sendv`.
///
/// `sd_journal_sendv` wants each field as one contiguous `NAME=value` iovec, so values are copied next
/// to their names; doing it in one growing buffer (reset, not freed, between lines) means a chunk of
/// lines costs a handful of allocations in total rather than one `String` per field. Offsets rather
/// than pointers are recorded while appending because the buffer may move when it grows; the iovecs are
/// built only once the entry is complete.
struct JournalEntry: ~Copyable {
    private var buffer = OutputBuffer(capacity: 4096)
    /// Start and length of each field in `buffer`.
    private var fields: [(start: Int, count: Int)] = []
    /// Reused iovec storage for `send()`.
    private var vectors: [iovec] = []
    /// Values of exported fields (not MESSAGE) are cut to this many bytes.
    let maxValueBytes: Int

    init(maxValueBytes: Int) {
        self.maxValueBytes = max(maxValueBytes, 16)
        fields.reserveCapacity(40)
        vectors.reserveCapacity(40)
    }

    /// Empties the entry for the next line, keeping the storage.
    mutating func reset() {
        buffer.removeAll()
        fields.removeAll(keepingCapacity: true)
    }

    /// Adds `name` followed by `bytes`, unbounded (MESSAGE: the whole line must arrive).
    mutating func append(_ name: StaticString, bytes: UnsafeRawBufferPointer) {
        let start = buffer.byteCount
        buffer.append(ascii: name)
        buffer.append(bytes)
        fields.append((start, buffer.byteCount - start))
    }

    /// Adds `name` followed by a fixed ASCII value (`PRIORITY=6`, `SUCCESS=true`).
    mutating func append(_ name: StaticString, ascii value: StaticString) {
        let start = buffer.byteCount
        buffer.append(ascii: name)
        buffer.append(ascii: value)
        fields.append((start, buffer.byteCount - start))
    }

    /// Adds a string field, cut to ``maxValueBytes`` at a UTF-8 character boundary. The full value is
    /// always in MESSAGE; the exported copy exists for filtering, so one runaway value (a stack, a long
    /// endpoint) must not double an entry's size.
    mutating func append(_ name: StaticString, string: String?) {
        guard var value = string else { return }
        value.withUTF8 { utf8 in
            var count = utf8.count
            if count > maxValueBytes {
                count = maxValueBytes
                // Back up over continuation bytes (10xxxxxx) so the cut never splits a character.
                while count > 0 && utf8[count] & 0xC0 == 0x80 { count -= 1 }
            }
            append(name, bytes: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(utf8)[0..<count]))
        }
    }

    /// Adds a decimal integer field.
    mutating func append(_ name: StaticString, int value: Int?) {
        guard let value else { return }
        let start = buffer.byteCount
        buffer.append(ascii: name)
        JSONWriter.writeInt(value, into: &buffer)
        fields.append((start, buffer.byteCount - start))
    }

    /// Adds milliseconds with three decimals, exactly as the canonical line writes them.
    mutating func append(_ name: StaticString, milliseconds value: Double) {
        let start = buffer.byteCount
        buffer.append(ascii: name)
        JSONWriter.writeMilliseconds(value, into: &buffer)
        fields.append((start, buffer.byteCount - start))
    }

    /// Adds a number, formatted as the canonical line writes it.
    mutating func append(_ name: StaticString, double value: Double) {
        let start = buffer.byteCount
        buffer.append(ascii: name)
        JSONWriter.writeDouble(value, into: &buffer)
        fields.append((start, buffer.byteCount - start))
    }

    /// Adds lowercase hex of `bytes` (trace and span IDs, trace flags) without a `String` in between.
    mutating func append(_ name: StaticString, hex bytes: UnsafeRawBufferPointer) {
        let start = buffer.byteCount
        buffer.append(ascii: name)
        buffer.appendUnsafe(count: bytes.count * 2) { out in
            for (index, byte) in bytes.enumerated() {
                out[2 * index] = Self.hexDigit(byte >> 4)
                out[2 * index + 1] = Self.hexDigit(byte & 0x0F)
            }
        }
        fields.append((start, buffer.byteCount - start))
    }

    @inline(__always)
    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? 0x30 + nibble : 0x61 + nibble - 10
    }

    /// Sends the entry; returns `sd_journal_sendv`'s result (0 or a negative errno).
    mutating func send() -> Int32 {
        // Taken out of `self` so the closure below does not access `self` while `buffer` is borrowed.
        var vectors = self.vectors
        self.vectors = []
        defer { self.vectors = vectors }
        vectors.removeAll(keepingCapacity: true)
        let fields = self.fields
        return buffer.withBytes { raw in
            for field in fields {
                vectors.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: raw.baseAddress! + field.start), iov_len: field.count))
            }
            return vectors.withUnsafeBufferPointer { sd_journal_sendv($0.baseAddress, Int32($0.count)) }
        }
    }

    /// The fields as strings, for tests.
    var fieldStrings: [String] {
        let fields = self.fields
        return buffer.withBytes { raw in
            fields.map { String(decoding: UnsafeRawBufferPointer(rebasing: raw[$0.start..<($0.start + $0.count)]), as: UTF8.self) }
        }
    }
}
