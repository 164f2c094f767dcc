import ServiceLog
import ShipperCore

/// Writes the `log` event that wraps a line that is not a canonical event, in one pass over the line.
///
/// The general path builds an ``Event`` (a `String` copy of the line, an attributes dictionary) and
/// encodes it. For a line from a file (valid UTF-8, not cut, nothing over a size limit) this writes the
/// same bytes directly: the same ServiceLog writers (`EventEncoding`, `JSONWriter`) in the encoder's
/// field order, the event id straight into the buffer. Whenever its output could differ (invalid UTF-8,
/// which the general path repairs; a cut field; a line over the limit; source attributes other than a
/// file's), it returns `nil` and the shaper takes the general path. The tests compare both paths.
enum WrappedLineWriter {
    /// The wrapped line, or `nil` when the general path must write it.
    static func write(
        _ record: SourceRecord, text: [UInt8], parseError: String?, timestamp: Timestamp, defaults: EventShaper.Defaults,
        limits: EncodingLimits
    ) -> [UInt8]? {
        guard !record.isTruncated else { return nil }
        let enrichment = record.enrichment
        // Attributes in the encoder's (sorted) order: the source's one (a file's `file`), then
        // `log_origin`, then `parse_error`. Anything else goes the general way.
        var sourceAttribute: (key: String, value: String)?
        if let only = enrichment.attributes.first {
            guard enrichment.attributes.count == 1, only.key < "log_origin" else { return nil }
            sourceAttribute = only
        }
        return text.withUnsafeBytes { message -> [UInt8]? in
            guard UTF8Validation.firstInvalidIndex(message) == nil else { return nil }
            var out = OutputBuffer(capacity: message.count + 256)
            let service = nonEmpty(enrichment.service) ?? defaults.service
            let host = nonEmpty(enrichment.host) ?? defaults.host
            let nameLimit = limits.maxNameBytes
            var cut = EventEncoding.writeHeader(
                timestamp: timestamp, level: LevelGuess.level(of: message, priority: enrichment.priority), service: service,
                eventType: .log, nameLimit: nameLimit, into: &out)
            out.append(ascii: ",\"event_id\":\"")
            out.appendUnsafe(count: EventIDDerivation.byteCount) { EventIDDerivation.write(for: record, to: $0) }
            out.append(UInt8(ascii: "\""))
            cut = EventEncoding.writeOptional(",\"host\":", host, limit: nameLimit ?? FieldSize.label, into: &out) || cut
            out.append(ascii: ",\"message\":")
            cut = JSONWriter.writeValidUTF8(message, limit: limits.maxStringBytes, into: &out) || cut
            let keyLimit = nameLimit ?? FieldSize.attributeKey
            func attribute(_ key: String, _ value: String) {
                cut = JSONWriter.writeKey(EventEncoding.attributeKey(key), limit: keyLimit, into: &out) || cut
                cut = JSONWriter.writeValue(
                    .string(value), stringLimit: limits.maxStringBytes, depth: limits.maxNesting, keyLimit: keyLimit, into: &out)
                    || cut
            }
            if let sourceAttribute { attribute(sourceAttribute.key, sourceAttribute.value) }
            if let origin = enrichment.origin { attribute("log_origin", origin) }
            if let parseError { attribute("parse_error", parseError) }
            out.append(UInt8(ascii: "}"))
            // A cut is named in field_truncated, and a long line is re-encoded shortened: general path.
            guard !cut, out.byteCount <= limits.maxLineBytes else { return nil }
            return out.bytes
        }
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
