/// A reserved field's value as the fast decoder scanned it, before any type check.
///
/// Scalars stay unboxed and strings without escapes stay as a range of the input line, so that fields
/// read as bytes (timestamp, hex IDs) never become a `String`. Objects and arrays, which no reserved field
/// accepts, are parsed generically (they may still end up in ``Event/attributes``).
enum ScannedValue {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    /// A string without escapes: these bytes of the input, already validated as UTF-8.
    case plainString(Range<Int>)
    /// A string that had escapes, decoded.
    case string(String)
    /// An object or an array.
    case composite(JSONValue)

    /// The value as the generic parser would have produced it (`line` is the input the ranges point into).
    func jsonValue(in line: UnsafeRawBufferPointer) -> JSONValue {
        switch self {
        case .null: .null
        case .bool(let value): .bool(value)
        case .int(let value): .int(value)
        case .double(let value): .double(value)
        case .plainString(let range): .string(String(decoding: UnsafeRawBufferPointer(rebasing: line[range]), as: UTF8.self))
        case .string(let value): .string(value)
        case .composite(let value): value
        }
    }
}

/// One slot per ``ReservedField``, on the stack: `nil` until the field is seen. The first occurrence of a
/// key wins (as in ``JSONParser``), so a later duplicate cannot overwrite a value.
struct ReservedValues {
    typealias Slot = ScannedValue?
    private var slots: (
        Slot, Slot, Slot, Slot, Slot, Slot, Slot, Slot, Slot, Slot, Slot, Slot, Slot, Slot, Slot, Slot,
        Slot, Slot, Slot, Slot, Slot, Slot, Slot, Slot, Slot, Slot, Slot, Slot, Slot, Slot, Slot, Slot
    ) = (
        nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil,
        nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil
    )

    /// Bit `field.rawValue` is set while the field has a value that was not taken (32 fields: every bit
    /// is used; a 33rd reserved field needs a wider mask).
    private(set) var present: UInt32 = 0

    init() {}

    /// Whether the line had this field (with any value, `null` included) and it was not taken yet.
    @inline(__always)
    func contains(_ field: ReservedField) -> Bool { present & (1 << UInt32(field.rawValue)) != 0 }

    /// Stores the first value seen for `field`; later ones are ignored.
    @inline(__always)
    mutating func setIfAbsent(_ field: ReservedField, _ value: ScannedValue) {
        guard !contains(field) else { return }
        present |= 1 << UInt32(field.rawValue)
        withUnsafeMutablePointer(to: &slots) { tuple in
            tuple.withMemoryRebound(to: Slot.self, capacity: ReservedField.allCases.count) { $0[field.rawValue] = value }
        }
    }

    /// Removes and returns the field's value (`nil` if the line did not have it): what is left at the end
    /// is what the event type did not consume.
    @inline(__always)
    mutating func take(_ field: ReservedField) -> ScannedValue? {
        guard contains(field) else { return nil }
        present &= ~(1 << UInt32(field.rawValue))
        return withUnsafeMutablePointer(to: &slots) { tuple in
            tuple.withMemoryRebound(to: Slot.self, capacity: ReservedField.allCases.count) { slot in
                defer { slot[field.rawValue] = nil }
                return slot[field.rawValue]
            }
        }
    }
}
