import CSystemd
import Logging
import ServiceLog

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sends canonical events to systemd-journald, one journal entry per line.
///
/// ```swift
/// ServiceLog.bootstrap(ServiceLogConfiguration(service: "payments"), output: JournalOutput())
/// ```
///
/// Each entry carries:
/// - `MESSAGE`: the canonical JSON line itself (without its newline), so nothing is lost and
///   `journalctl -o cat` prints lines the shipper and the analyzer can read back;
/// - `PRIORITY`: the syslog priority of the event's level (see ``syslogPriority(of:)``);
/// - `SYSLOG_IDENTIFIER`: ``identifier``, or the event's `service` when it is `nil`;
/// - the event's typed fields, uppercased without a prefix: `SERVICE`, `EVENT_TYPE`, `EVENT_ID`,
///   `TIMESTAMP`, `LEVEL`, `HOST`, `INSTANCE`, `SOURCE`, `CORRELATION_ID`, `TRACE_ID`, `SPAN_ID`,
///   `PARENT_SPAN_ID`, `TRACE_FLAGS`, `METHOD`, `ENDPOINT`, `USER_ID`, `STATUS_CODE`, `DURATION_MS`,
///   `SUCCESS`, `TARGET_SERVICE`, `ERROR`, `ATTEMPT`, `ERROR_TYPE`, `STACK`, `MEMORY_MB`, `CPU_PERCENT`,
///   `THREADS`, `OPEN_FDS` (those present). Each copy is cut to ``maxFieldBytes``.
///
/// Free-form metadata, resource gauges and the event's human `message` are not exported as journal
/// fields (they stay in `MESSAGE`): their names are chosen by callers, and exporting them would give
/// journald an unbounded set of field names. A line that is not a canonical event is still sent, with
/// `MESSAGE=<line>` and `PRIORITY=6`. Empty lines are skipped.
///
/// Lines larger than journald's datagram limit are handed over by libsystemd through a sealed memfd,
/// so multi-hundred-kilobyte lines work.
///
/// Delivery is at least once: lines are sent one by one, so when a line fails with a retryable error
/// and ``LineWriter`` retries the chunk, the lines before it are sent again (with the same `EVENT_ID`).
public struct JournalOutput: LogOutput {
    /// The `SYSLOG_IDENTIFIER` of every entry; `nil` uses each event's `service` (and, for a line that is
    /// not a canonical event, libsystemd's default: the program's name).
    public var identifier: String?
    /// The most bytes an exported field other than `MESSAGE` carries; longer values are cut at a
    /// character boundary (the full value stays in `MESSAGE`).
    public var maxFieldBytes: Int
    /// Limits for parsing each line; a line over them is sent unparsed, like any non-canonical line.
    public var decodingLimits: DecodingLimits

    /// Where libsystemd sends entries. `sd_journal_sendv` returns success without sending anything when
    /// this socket does not exist, so ``write(_:)`` checks for it first to make the loss visible.
    public static let socketPath = "/run/systemd/journal/socket"

    /// Creates an output to the local journald.
    ///
    /// - Parameters:
    ///   - identifier: the `SYSLOG_IDENTIFIER`; `nil` (default) uses each event's `service`.
    ///   - maxFieldBytes: cap for each exported field except `MESSAGE` (default 4096).
    ///   - decodingLimits: limits for parsing lines (default: 1 MiB lines, like the encoder's maximum, and
    ///     no value-range checks: these are the process's own lines, exported as written; the consumer
    ///     that reads them back checks them).
    public init(identifier: String? = nil, maxFieldBytes: Int = 4096, decodingLimits: DecodingLimits = DecodingLimits(fields: nil)) {
        self.identifier = identifier
        self.maxFieldBytes = maxFieldBytes
        self.decodingLimits = decodingLimits
    }

    /// Whether a journald socket exists at ``socketPath`` (it says nothing about whether journald reads it).
    public static var isJournalAvailable: Bool {
        var info = stat()
        guard stat(socketPath, &info) == 0 else { return false }
        return info.st_mode & S_IFMT == S_IFSOCK
    }

    /// The syslog priority journald stores for a level: trace and debug 7, info 6, notice 5, warning 4,
    /// error 3, critical 2.
    public static func syslogPriority(of level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// Sends each line of `lines` as one journal entry.
    ///
    /// Throws on the first line journald does not take; lines before it have been sent. A missing
    /// journald socket throws a non-retryable error instead of losing the lines silently.
    public func write(_ lines: UnsafeRawBufferPointer) throws(LogOutputError) {
        guard !lines.isEmpty else { return }
        guard Self.isJournalAvailable else {
            throw LogOutputError(
                message: "journald: \(Self.socketPath) does not exist (is systemd-journald running?)", isRetryable: false)
        }
        var entry = JournalEntry(maxValueBytes: maxFieldBytes)
        guard let base = lines.baseAddress else { return }
        var start = 0
        while start < lines.count {
            // memchr: lines can be hundreds of kilobytes, a byte loop would be the slowest part.
            let end: Int
            if let newline = memchr(base + start, 0x0A, lines.count - start) {
                end = UnsafeRawPointer(newline) - base
            } else {
                end = lines.count
            }
            try send(UnsafeRawBufferPointer(rebasing: lines[start..<end]), entry: &entry)
            start = end + 1
        }
    }

    /// Nothing to do: `sd_journal_sendv` hands each entry to journald before it returns.
    public func flush() throws(LogOutputError) {}

    /// Builds and sends the entry for one line (without its newline).
    func send(_ rawLine: UnsafeRawBufferPointer, entry: inout JournalEntry) throws(LogOutputError) {
        var line = rawLine
        while let last = line.last, last == 0x0D { line = UnsafeRawBufferPointer(rebasing: line.dropLast()) }
        guard !line.isEmpty else { return }
        fill(&entry, line: line)
        var interrupted = 0
        while true {
            let result = entry.send()
            if result >= 0 { return }
            // A signal during sendmsg: nothing was sent, so sending again cannot duplicate.
            if result == -EINTR && interrupted < 16 {
                interrupted += 1
                continue
            }
            throw Self.outputError(returnCode: result)
        }
    }

    /// Fills `entry` with the fields for `line`: parsed once, every typed field exported; a line that
    /// does not parse goes out as a plain info message.
    func fill(_ entry: inout JournalEntry, line: UnsafeRawBufferPointer) {
        entry.reset()
        entry.append(JournalField.message, bytes: line)
        guard let event = try? Event(jsonLine: line, limits: decodingLimits) else {
            entry.append(JournalField.priority, ascii: "6")
            entry.append(JournalField.syslogIdentifier, string: identifier)
            return
        }
        entry.append(JournalField.priority, int: Self.syslogPriority(of: event.level))
        entry.append(JournalField.syslogIdentifier, string: identifier ?? event.service)
        entry.append(JournalField.service, string: event.service)
        entry.append(JournalField.eventType, ascii: Self.eventTypeName(event.eventType))
        entry.append(JournalField.level, ascii: Self.levelName(event.level))
        entry.append(JournalField.timestamp, string: event.timestamp.description)
        entry.append(JournalField.eventID, string: event.eventID)
        entry.append(JournalField.host, string: event.host)
        entry.append(JournalField.instance, string: event.instance)
        entry.append(JournalField.source, string: event.source)
        entry.append(JournalField.correlationID, string: event.correlationID)
        if let traceID = event.traceID {
            withUnsafeBytes(of: traceID.bytes) { entry.append(JournalField.traceID, hex: $0) }
        }
        if let spanID = event.spanID {
            withUnsafeBytes(of: spanID.bytes) { entry.append(JournalField.spanID, hex: $0) }
        }
        if let parentSpanID = event.parentSpanID {
            withUnsafeBytes(of: parentSpanID.bytes) { entry.append(JournalField.parentSpanID, hex: $0) }
        }
        if let traceFlags = event.traceFlags {
            withUnsafeBytes(of: traceFlags) { entry.append(JournalField.traceFlags, hex: $0) }
        }
        switch event.payload {
        case .requestStart(let start):
            entry.append(JournalField.method, string: start.method)
            entry.append(JournalField.endpoint, string: start.endpoint)
            entry.append(JournalField.userID, string: start.userID)
        case .requestEnd(let end):
            entry.append(JournalField.method, string: end.method)
            entry.append(JournalField.endpoint, string: end.endpoint)
            entry.append(JournalField.statusCode, int: end.statusCode)
            entry.append(JournalField.durationMS, milliseconds: end.durationMS)
            entry.append(JournalField.success, ascii: end.success ? "true" : "false")
        case .serviceCall(let call):
            entry.append(JournalField.targetService, string: call.targetService)
            entry.append(JournalField.method, string: call.method)
            entry.append(JournalField.endpoint, string: call.endpoint)
            entry.append(JournalField.statusCode, int: call.statusCode)
            entry.append(JournalField.durationMS, milliseconds: call.durationMS)
            entry.append(JournalField.success, ascii: call.success ? "true" : "false")
            entry.append(JournalField.error, string: call.error)
            entry.append(JournalField.attempt, int: call.attempt)
        case .error(let details):
            entry.append(JournalField.errorType, string: details.errorType)
            entry.append(JournalField.stack, string: details.stack)
        case .resource(let sample):
            entry.append(JournalField.memoryMB, double: sample.memoryMB)
            entry.append(JournalField.cpuPercent, double: sample.cpuPercent)
            entry.append(JournalField.threads, int: sample.threads)
            entry.append(JournalField.openFDs, int: sample.openFDs)
        case .log:
            break
        }
        // The markers, so that `journalctl DROPPED_EVENTS=…` or `LINE_TRUNCATED=true` find them.
        entry.append(JournalField.droppedEvents, int: event.droppedEvents)
        if event.lineTruncated { entry.append(JournalField.lineTruncated, ascii: "true") }
        if !event.truncatedFields.isEmpty {
            entry.append(JournalField.fieldTruncated, string: event.truncatedFields.joined(separator: ","))
        }
    }

    /// Classifies `sd_journal_sendv`'s negative errno: a full socket buffer, a memory or space shortage
    /// (the memfd for a large entry) or a refused connection (journald restarting) may clear; anything
    /// else (entry refused, bad descriptor) will not.
    static func outputError(returnCode: Int32) -> LogOutputError {
        let code = -returnCode
        // ECONNREFUSED: journald is restarting (or gone); the writer retries for about a minute before
        // counting the lines as lost, which covers a restart.
        let retryable = code == EAGAIN || code == ENOBUFS || code == ENOMEM || code == ENOSPC || code == ECONNREFUSED
        // A socket file left behind by a journald that exited refuses connections.
        let hint = code == ECONNREFUSED ? " (is systemd-journald running?)" : ""
        return LogOutputError(message: "sd_journal_sendv: \(String(cString: strerror(code)))\(hint)", isRetryable: retryable)
    }

    private static func levelName(_ level: Logger.Level) -> StaticString {
        switch level {
        case .trace: "trace"
        case .debug: "debug"
        case .info: "info"
        case .notice: "notice"
        case .warning: "warning"
        case .error: "error"
        case .critical: "critical"
        }
    }

    private static func eventTypeName(_ type: EventType) -> StaticString {
        switch type {
        case .requestStart: "request_start"
        case .requestEnd: "request_end"
        case .serviceCall: "service_call"
        case .error: "error"
        case .resource: "resource"
        case .log: "log"
        }
    }
}
