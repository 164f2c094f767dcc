import Logging

/// Writes swift-log metadata as JSON, keeping numbers and booleans typed, redacting secrets and keeping
/// reserved names out of the way.
enum MetadataEncoding {
    /// Writes each entry as `,"key":value`. Keys that are reserved get the `metadata.` prefix. Returns the
    /// keys (as written) whose key or value was cut, for `field_truncated`. Secret verdicts come from
    /// `cache` (decided once per key). Sets `unresolved` (and the line must be discarded) when a value
    /// needs its `description`, which must not run here, under the writer's lock: see
    /// ``resolvingDescriptions(_:)``.
    @discardableResult
    static func write(
        _ metadata: Logger.Metadata, redaction: Redaction, stringLimit: Int, maxNesting: Int, cache: inout EncodingCache,
        unresolved: inout Bool, into out: inout OutputBuffer
    ) -> [String] {
        let limits = EncodingLimits(maxStringBytes: stringLimit, maxNesting: maxNesting)
        var cutKeys: [String] = []
        for (key, value) in metadata {
            let verdict = cache.verdict(for: key, redaction)
            var cut = writeKey(key, reserved: verdict.reserved, into: &out)
            if verdict.secret {
                JSONWriter.writeString(Redaction.replacement, into: &out)
            } else if writeValue(value, redaction: redaction, limits: limits, depth: limits.maxNesting, unresolved: &unresolved, into: &out) {
                cut = true
            }
            if unresolved { return [] }
            if cut { cutKeys.append(verdict.reserved ? FieldName.collisionPrefix + key : key) }
        }
        return cutKeys
    }

    /// Writes `,"key":`; a reserved name (`reserved`: ``FieldName/isReserved(_:)``) gets the `metadata.` prefix. Returns whether the key was cut (at
    /// ``FieldSize/attributeKey`` bytes). Shared by metadata and typed fields, so both name keys alike.
    @inline(__always)
    static func writeKey(_ key: String, reserved: Bool, into out: inout OutputBuffer) -> Bool {
        out.append(UInt8(ascii: ","))
        var cut = false
        if reserved {
            out.append(UInt8(ascii: "\""))
            JSONWriter.writeEscapedBody(FieldName.collisionPrefix, into: &out)
            JSONWriter.writeEscapedBody(key, into: &out)
            out.append(UInt8(ascii: "\""))
        } else {
            cut = JSONWriter.writeString(key, limit: FieldSize.attributeKey, into: &out)
        }
        out.append(UInt8(ascii: ":"))
        return cut
    }

    /// Writes one value; returns whether anything in it was cut. A value that needs its `description`
    /// sets `unresolved` instead.
    @discardableResult
    static func writeValue(
        _ value: Logger.MetadataValue, redaction: Redaction, limits: EncodingLimits, depth: Int, unresolved: inout Bool,
        into out: inout OutputBuffer
    ) -> Bool {
        switch value {
        case .string(let text):
            return JSONWriter.writeString(text, limit: limits.maxStringBytes, into: &out)
        case .stringConvertible(let convertible):
            guard Primitive(convertible) != nil || isPrimitive(convertible) else {
                unresolved = true
                return false
            }
            return writeConvertible(convertible, limit: limits.maxStringBytes, into: &out)
        case .array(let items):
            guard depth > 0 else {
                out.append(ascii: "\"[nested too deep]\"")
                return true
            }
            var cut = false
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                if writeValue(item, redaction: redaction, limits: limits, depth: depth - 1, unresolved: &unresolved, into: &out) { cut = true }
            }
            out.append(UInt8(ascii: "]"))
            return cut
        case .dictionary(let fields):
            guard depth > 0 else {
                out.append(ascii: "\"[nested too deep]\"")
                return true
            }
            var cut = false
            out.append(UInt8(ascii: "{"))
            var first = true
            for (key, item) in fields {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                if JSONWriter.writeString(key, limit: FieldSize.attributeKey, into: &out) { cut = true }
                out.append(UInt8(ascii: ":"))
                if redaction.isSecret(key) {
                    JSONWriter.writeString(Redaction.replacement, into: &out)
                } else if writeValue(item, redaction: redaction, limits: limits, depth: depth - 1, unresolved: &unresolved, into: &out) {
                    cut = true
                }
            }
            out.append(UInt8(ascii: "}"))
            return cut
        }
    }

    /// The metadata with every `stringConvertible` value that is not a number, boolean or string
    /// replaced by its description. Returns the same dictionary (no copy) when there is none.
    static func resolvingDescriptions(_ metadata: Logger.Metadata) -> Logger.Metadata {
        guard metadata.values.contains(where: needsResolving) else { return metadata }
        return metadata.mapValues(resolved)
    }

    static func isPrimitive(_ value: any CustomStringConvertible & Sendable) -> Bool {
        if Primitive(value) != nil { return true }
        return value is Int || value is Int64 || value is Int32 || value is UInt || value is UInt64 || value is UInt32
            || value is Double || value is Float || value is Bool || value is String
    }

    private static func needsResolving(_ value: Logger.MetadataValue) -> Bool {
        switch value {
        case .string: false
        case .stringConvertible(let convertible): !isPrimitive(convertible)
        case .array(let items): items.contains(where: needsResolving)
        case .dictionary(let fields): fields.values.contains(where: needsResolving)
        }
    }

    private static func resolved(_ value: Logger.MetadataValue) -> Logger.MetadataValue {
        switch value {
        case .string: value
        case .stringConvertible(let convertible): isPrimitive(convertible) ? value : .string(convertible.description)
        case .array(let items): .array(items.map(resolved))
        case .dictionary(let fields): .dictionary(fields.mapValues(resolved))
        }
    }

    /// Numbers and booleans stay JSON numbers and booleans; everything else is its description.
    /// Returns whether a string was cut.
    @discardableResult
    static func writeConvertible(_ value: any CustomStringConvertible & Sendable, limit: Int, into out: inout OutputBuffer) -> Bool {
        switch Primitive(value) {
        case .int(let number)?:
            JSONWriter.writeInt(number, into: &out)
            return false
        case .double(let number)?:
            JSONWriter.writeDouble(number, into: &out)
            return false
        case .bool(let flag)?:
            out.append(ascii: flag ? "true" : "false")
            return false
        case nil:
            break
        }
        switch value {
        case let number as Int: JSONWriter.writeInt(number, into: &out)
        case let number as Int64: JSONWriter.writeInt(Int(number), into: &out)
        case let number as Int32: JSONWriter.writeInt(Int(number), into: &out)
        case let number as UInt:
            if number <= UInt(Int.max) { JSONWriter.writeInt(Int(number), into: &out) } else { JSONWriter.writeString(number.description, into: &out) }
        case let number as UInt64:
            if number <= UInt64(Int.max) { JSONWriter.writeInt(Int(number), into: &out) } else { JSONWriter.writeString(number.description, into: &out) }
        case let number as UInt32: JSONWriter.writeInt(Int(number), into: &out)
        case let number as Double: JSONWriter.writeDouble(number, into: &out)
        case let number as Float: JSONWriter.writeDouble(Double(number), into: &out)
        case let flag as Bool: out.append(ascii: flag ? "true" : "false")
        case let text as String: return JSONWriter.writeString(text, limit: limit, into: &out)
        default: return JSONWriter.writeString(value.description, limit: limit, into: &out)
        }
        return false
    }
}

/// The common metadata values (`Int`, `Double`, `Bool`) recognised by their exact type: one pointer
/// comparison each, where `as?` is a runtime cast per value and per attempted type. Anything else is
/// left to the casts (which also see bridged and wrapped numbers).
enum Primitive {
    case int(Int)
    case double(Double)
    case bool(Bool)

    @inline(__always)
    init?(_ value: any CustomStringConvertible & Sendable) {
        func open<Value>(_ value: Value) -> Primitive? {
            // Sound: each load follows the check that `Value` is exactly that type.
            if Value.self == Int.self { return .int(unsafeBitCast(value, to: Int.self)) }
            if Value.self == Double.self { return .double(unsafeBitCast(value, to: Double.self)) }
            if Value.self == Bool.self { return .bool(unsafeBitCast(value, to: Bool.self)) }
            return nil
        }
        guard let primitive = open(value) else { return nil }
        self = primitive
    }
}
