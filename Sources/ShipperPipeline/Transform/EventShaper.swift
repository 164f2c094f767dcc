#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import ServiceLog
import ShipperCore

/// The transform stage: turns every record into exactly one canonical event line with an `event_id`.
///
/// - A record that already is a canonical event is passed through byte for byte (unknown fields and
///   field order survive); only a missing `event_id` is inserted.
/// - Anything else (plain text, JSON that is not a canonical event, invalid UTF-8, a line cut to the
///   maximum size) becomes a `log` event with the raw text in `message`, the level guessed where it is
///   obvious, and where it came from in attributes. Nothing is dropped.
public struct EventShaper: Sendable {
    /// What the shaper fills in when a record does not say it.
    public struct Defaults: Sendable, Hashable {
        /// `service` of events made from plain lines when the source has no better name.
        public var service: String
        /// `host` of events made from plain lines when the source does not know it.
        public var host: String?

        /// Creates defaults.
        public init(service: String, host: String? = nil) {
            self.service = service
            self.host = host
        }
    }

    /// What the shaper fills in.
    public var defaults: Defaults
    /// The longest line the shaper writes; a wrapped line's `message` is cut to fit under it.
    public var maxLineBytes: Int

    /// Creates a shaper.
    public init(defaults: Defaults, maxLineBytes: Int = 1 << 20) {
        self.defaults = defaults
        self.maxLineBytes = maxLineBytes
    }

    /// One shaped record.
    public struct Shaped: Sendable, Hashable {
        /// The canonical line, without a newline.
        public var line: [UInt8]
        /// Whether the record was not a canonical event and was wrapped as a `log` event.
        public var wrapped: Bool
    }

    /// Shapes one record. `now` stamps plain lines whose source has no timestamp of its own.
    public func shape(_ record: SourceRecord, now: @autoclosure () -> Timestamp = .now()) -> Shaped {
        var text = record.bytes
        // CRLF files: the carriage return belongs to the line ending, not the message.
        if text.last == UInt8(ascii: "\r") { text.removeLast() }

        var parseError: String?
        if !record.isTruncated, text.first(where: { !isJSONSpace($0) }) == UInt8(ascii: "{") {
            if text.count <= maxLineBytes, text.withUnsafeBytes(ForeignJSONScan.isObjectWithoutTimestamp) {
                // Another program's JSON: the decoder would say just this, after parsing it whole.
                return Shaped(line: wrap(record, text: text, parseError: ForeignJSONScan.missingTimestamp, now: now()), wrapped: true)
            }
            do {
                let event = try text.withUnsafeBytes { try Event(jsonLine: $0, limits: DecodingLimits(maxLineBytes: maxLineBytes)) }
                if event.eventID != nil { return Shaped(line: text, wrapped: false) }
                if Self.containsEventIDKey(text) {
                    // `"event_id":null` (or a duplicate key): inserting a second key would leave tools
                    // that keep the last one (jq, Foundation) with null. Re-encode the parsed event.
                    var withID = event
                    withID.eventID = EventIDDerivation.eventID(for: record)
                    return Shaped(line: Array(withID.jsonLine(limits: encodingLimits).utf8), wrapped: false)
                }
                return Shaped(line: inserting(eventIDOf: record, into: text), wrapped: false)
            } catch let error as EventDecodingError {
                parseError = error.reason
            } catch {
                parseError = "\(error)"
            }
        }
        return Shaped(line: wrap(record, text: text, parseError: parseError, now: now()), wrapped: true)
    }

    private func wrap(_ record: SourceRecord, text: [UInt8], parseError: String?, now: Timestamp) -> [UInt8] {
        if let line = WrappedLineWriter.write(
            record, text: text, parseError: parseError, timestamp: record.enrichment.timestamp ?? now, defaults: defaults,
            limits: encodingLimits)
        {
            return line
        }
        return wrapWithEvent(record, text: text, parseError: parseError, now: now)
    }

    /// The general path: builds the ``Event`` and encodes it. ``WrappedLineWriter`` writes the same
    /// bytes in one pass for the common case and defers to this for the rest.
    func wrapWithEvent(_ record: SourceRecord, text: [UInt8], parseError: String?, now: Timestamp) -> [UInt8] {
        let enrichment = record.enrichment
        var attributes: [String: JSONValue] = [:]
        for (key, value) in enrichment.attributes { attributes[key] = .string(value) }
        if let origin = enrichment.origin { attributes["log_origin"] = .string(origin) }
        if let parseError { attributes["parse_error"] = .string(parseError) }
        if record.isTruncated { attributes["original_bytes"] = .int(Int64(record.originalLength)) }
        let event = Event(
            timestamp: enrichment.timestamp ?? now,
            level: LevelGuess.level(of: text, priority: enrichment.priority),
            service: nonEmpty(enrichment.service) ?? defaults.service,
            payload: .log,
            message: String(decoding: text, as: UTF8.self),
            eventID: EventIDDerivation.eventID(for: record),
            host: nonEmpty(enrichment.host) ?? defaults.host,
            attributes: attributes, lineTruncated: record.isTruncated)
        var out = OutputBuffer(capacity: text.count + 256)
        event.encode(into: &out, limits: encodingLimits)
        return out.bytes
    }

    /// Leaves room for the fixed fields so that a long message is cut, not the whole event replaced by
    /// its 4 KiB fallback.
    var encodingLimits: EncodingLimits {
        EncodingLimits(maxStringBytes: max(1024, maxLineBytes - 16 * 1024), maxLineBytes: maxLineBytes)
    }

    private func inserting(eventIDOf record: SourceRecord, into line: [UInt8]) -> [UInt8] {
        let brace = line.firstIndex(of: UInt8(ascii: "{"))!
        var result: [UInt8] = []
        result.reserveCapacity(line.count + EventIDDerivation.byteCount + 14)
        result.append(contentsOf: line[...brace])
        result.append(contentsOf: #""event_id":""#.utf8)
        EventIDDerivation.append(for: record, to: &result)
        result.append(UInt8(ascii: "\""))
        // `{}` is not a canonical event, so a member always follows: a comma is always right.
        result.append(UInt8(ascii: ","))
        result.append(contentsOf: line[(brace + 1)...])
        return result
    }

    /// Quotes found with `memchr` (vectorised in libc), then compared with `memcmp`: the generic
    /// `Collection.contains(_:)` costs ~100 µs on a 300-byte line.
    private static func containsEventIDKey(_ line: [UInt8]) -> Bool {
        line.withUnsafeBytes { bytes in
            eventIDKey.withUnsafeBytes { key in
                guard let base = bytes.baseAddress, let needle = key.baseAddress else { return false }
                var index = 0
                while bytes.count - index >= key.count {
                    guard let found = memchr(base + index, 0x22, bytes.count - index - key.count + 1) else { return false }
                    let at = UnsafeRawPointer(found) - base
                    // Most quotes open other keys: compare one byte before calling memcmp.
                    if bytes[at + 1] == UInt8(ascii: "e"), memcmp(base + at, needle, key.count) == 0 { return true }
                    index = at + 1
                }
                return false
            }
        }
    }

    private static let eventIDKey: [UInt8] = Array(#""event_id""#.utf8)

    private func isJSONSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0a || byte == 0x0d
    }

    private func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
