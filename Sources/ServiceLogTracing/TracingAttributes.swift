import Logging
import SpanConventions
import Tracing

/// A span's attributes as the convention rules read them, remembering which names were read so that
/// the rest can be written as fields.
struct TracingAttributes: ConventionAttributes {
    private let attributes: SpanAttributes
    private(set) var consumed: Set<String> = []

    /// Attributes never written as fields: a query string often carries tokens.
    static let withheld: Set<String> = ["url.query"]

    init(_ attributes: SpanAttributes) {
        self.attributes = attributes
    }

    mutating func firstString(of names: [String]) -> String? {
        for name in names {
            let text: String? =
                switch attributes.get(name) {
                case .string(let string)?: string.isEmpty ? nil : string
                case .int32(let int)?: String(int)
                case .int64(let int)?: String(int)
                case .double(let double)?: double.isFinite ? String(double) : nil
                case .bool(let bool)?: String(bool)
                case .stringConvertible(let value)?: value.description.isEmpty ? nil : value.description
                default: nil
                }
            if let text {
                consumed.insert(name)
                return text
            }
        }
        return nil
    }

    mutating func firstInt(of names: [String]) -> Int64? {
        for name in names {
            let number: Int64? =
                switch attributes.get(name) {
                case .int32(let int)?: Int64(int)
                case .int64(let int)?: int
                case .string(let string)?: Int64(string)
                case .stringConvertible(let value)?: Int64(value.description)
                case .double(let double)?: double.isFinite && abs(double) < 9e15 ? Int64(double) : nil
                default: nil
                }
            if let number {
                consumed.insert(name)
                return number
            }
        }
        return nil
    }

    /// The attributes not read, as metadata (the handler keeps numbers and booleans typed, redacts
    /// secret names and prefixes the format's own names).
    func remaining() -> Logger.Metadata {
        var metadata: Logger.Metadata = [:]
        attributes.forEach { name, value in
            guard !consumed.contains(name), !Self.withheld.contains(name), !name.isEmpty else { return }
            metadata[name] = Self.metadataValue(value)
        }
        return metadata
    }

    static func metadataValue(_ value: SpanAttribute) -> Logger.MetadataValue {
        switch value {
        case .int32(let int): .stringConvertible(int)
        case .int64(let int): .stringConvertible(int)
        case .double(let double): .stringConvertible(double)
        case .bool(let bool): .stringConvertible(bool)
        case .string(let string): .string(string)
        case .int32Array(let values): .array(values.map { .stringConvertible($0) })
        case .int64Array(let values): .array(values.map { .stringConvertible($0) })
        case .doubleArray(let values): .array(values.map { .stringConvertible($0) })
        case .boolArray(let values): .array(values.map { .stringConvertible($0) })
        case .stringArray(let values): .array(values.map { .string($0) })
        case .stringConvertible(let value): .string(value.description)
        case .stringConvertibleArray(let values): .array(values.map { .string($0.description) })
        default: .string(String(describing: value))
        }
    }
}
