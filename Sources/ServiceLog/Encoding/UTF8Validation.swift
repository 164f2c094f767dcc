/// UTF-8 validation and repair for bytes that come from outside Swift (files, journald, HTTP bodies).
public enum UTF8Validation {
    /// The offset of the first byte that is not part of a valid UTF-8 sequence, or `nil` if all are valid.
    /// Rejects overlong forms, surrogates and code points above U+10FFFF, like a strict decoder.
    public static func firstInvalidIndex(_ bytes: UnsafeRawBufferPointer) -> Int? {
        var index = 0
        let count = bytes.count
        while index < count {
            let length = sequenceLength(bytes, at: index)
            if length == 0 { return index }
            index += length
        }
        return nil
    }

    /// A copy with every invalid sequence replaced by U+FFFD, and how many were replaced.
    public static func repair(_ bytes: UnsafeRawBufferPointer) -> (bytes: [UInt8], replacements: Int) {
        var result = [UInt8]()
        result.reserveCapacity(bytes.count + 8)
        var replacements = 0
        var index = 0
        while index < bytes.count {
            let length = sequenceLength(bytes, at: index)
            if length == 0 {
                result.append(contentsOf: [0xEF, 0xBF, 0xBD])
                replacements += 1
                index += 1
            } else {
                result.append(contentsOf: bytes[index..<(index + length)])
                index += length
            }
        }
        return (result, replacements)
    }

    /// Length of the valid sequence starting at `index`, or 0 if the byte there does not start one.
    @inline(__always)
    static func sequenceLength(_ b: UnsafeRawBufferPointer, at index: Int) -> Int {
        let first = b[index]
        if first < 0x80 { return 1 }
        let remaining = b.count - index
        func continuation(_ offset: Int) -> Bool { (b[index + offset] & 0xC0) == 0x80 }
        switch first {
        case 0xC2...0xDF:
            return remaining >= 2 && continuation(1) ? 2 : 0
        case 0xE0...0xEF:
            guard remaining >= 3, continuation(1), continuation(2) else { return 0 }
            let second = b[index + 1]
            if first == 0xE0 && second < 0xA0 { return 0 }  // overlong
            if first == 0xED && second > 0x9F { return 0 }  // surrogate
            return 3
        case 0xF0...0xF4:
            guard remaining >= 4, continuation(1), continuation(2), continuation(3) else { return 0 }
            let second = b[index + 1]
            if first == 0xF0 && second < 0x90 { return 0 }  // overlong
            if first == 0xF4 && second > 0x8F { return 0 }  // above U+10FFFF
            return 4
        default:
            return 0
        }
    }
}
