import Foundation
import OTLPModel
import ServiceLog
import SpanConventions

/// The attributes of a span, log record, data point or resource, looked up by OpenTelemetry's
/// semantic-convention names (the current name first, then the names older SDKs still send).
struct OTLPAttributes: ConventionAttributes {
    private var values: [String: Opentelemetry_Proto_Common_V1_AnyValue] = [:]
    /// Names read by the mapping: they become typed fields and are not kept twice as free-form ones.
    private(set) var consumed: Set<String> = []

    init(_ attributes: [Opentelemetry_Proto_Common_V1_KeyValue]) {
        for attribute in attributes { values[attribute.key] = attribute.value }
    }

    /// The first of `names` that is a non-empty string (numbers and booleans are written as text).
    mutating func firstString(of names: [String]) -> String? {
        for name in names {
            guard let value = values[name]?.value else { continue }
            let text: String? = switch value {
            case .stringValue(let string): string.isEmpty ? nil : string
            case .intValue(let int): String(int)
            case .doubleValue(let double): double.isFinite ? String(double) : nil
            case .boolValue(let bool): String(bool)
            default: nil
            }
            if let text {
                consumed.insert(name)
                return text
            }
        }
        return nil
    }

    /// The first of `names` that is an integer (or a string of digits, as some SDKs send status codes).
    mutating func firstInt(of names: [String]) -> Int64? {
        for name in names {
            guard let value = values[name]?.value else { continue }
            let number: Int64? = switch value {
            case .intValue(let int): int
            case .stringValue(let string): Int64(string)
            case .doubleValue(let double): double.isFinite && abs(double) < 9e15 ? Int64(double) : nil
            default: nil
            }
            if let number {
                consumed.insert(name)
                return number
            }
        }
        return nil
    }

    /// The first of `names` that is a number.
    mutating func double(_ names: String...) -> Double? {
        for name in names {
            let number: Double? = switch values[name]?.value {
            case .doubleValue(let double)?: double.isFinite ? double : nil
            case .intValue(let int)?: Double(int)
            default: nil
            }
            if let number {
                consumed.insert(name)
                return number
            }
        }
        return nil
    }

    /// `name` when it is a boolean.
    mutating func bool(_ name: String) -> Bool? {
        guard case .boolValue(let bool)? = values[name]?.value else { return nil }
        consumed.insert(name)
        return bool
    }

    /// The numeric attributes not read, by name (a resource sample's further gauges).
    mutating func remainingNumbers() -> [String: Double] {
        var result: [String: Double] = [:]
        for (key, value) in values where !consumed.contains(key) && !key.isEmpty && !FieldName.isReserved(key) {
            switch value.value {
            case .doubleValue(let double) where double.isFinite: result[key] = double
            case .intValue(let int): result[key] = Double(int)
            default: continue
            }
            consumed.insert(key)
        }
        return result
    }

    /// What was not read, as free-form event fields: dotted names stay as they are (`http.user_agent`),
    /// a name that is one of the format's own gets the collision prefix.
    func remaining() -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for (key, value) in values where !consumed.contains(key) && !key.isEmpty {
            result[FieldName.isReserved(key) ? FieldName.collisionPrefix + key : key] = Self.json(value)
        }
        return result
    }

    /// An OTLP value as JSON; bytes become base64 (as OTLP/JSON writes them), an empty value null.
    static func json(_ value: Opentelemetry_Proto_Common_V1_AnyValue) -> JSONValue {
        switch value.value {
        case .stringValue(let string): .string(string)
        case .boolValue(let bool): .bool(bool)
        case .intValue(let int): .int(int)
        case .doubleValue(let double): double.isFinite ? .double(double) : .string(String(double))
        case .arrayValue(let array): .array(array.values.map(json))
        case .kvlistValue(let list): .object(Dictionary(list.values.map { ($0.key, json($0.value)) }, uniquingKeysWith: { _, last in last }))
        case .bytesValue(let data): .string(data.base64EncodedString())
        case nil: .null
        }
    }

    /// An OTLP value as one line of text (a log body): strings as they are, anything else as compact
    /// JSON with sorted keys, written by the format's own encoder.
    static func text(_ value: Opentelemetry_Proto_Common_V1_AnyValue) -> String {
        if case .stringValue(let string) = value.value { return string }
        var out = OutputBuffer(capacity: 256)
        JSONWriter.writeValue(json(value), stringLimit: .max, into: &out)
        return out.string
    }
}
