/// Writes typed fields (``LogField``) into a line: the typed counterpart of ``MetadataEncoding``, with
/// the same rules for keys, secrets and limits.
enum FieldEncoding {
    /// Writes each field as `,"key":value`, in order. A key given twice is written once, with its last
    /// value (as a metadata dictionary would hold it): a line never has a duplicate key. Returns the
    /// keys (as written) whose key or value was cut, for `field_truncated`.
    @inline(__always)
    static func write(
        _ fields: UnsafeBufferPointer<LogField>, redaction: Redaction, stringLimit: Int, cache: inout EncodingCache,
        into out: inout OutputBuffer
    ) -> [String] {
        var cutKeys: [String] = []
        for index in fields.indices where !isRepeated(at: index, in: fields) {
            let key = fields[index].key
            let verdict = cache.verdict(for: key, redaction)
            var cut = MetadataEncoding.writeKey(key, reserved: verdict.reserved, into: &out)
            if verdict.secret {
                JSONWriter.writeString(Redaction.replacement, into: &out)
            } else {
                switch fields[index].value {
                case .string(let text): if JSONWriter.writeString(text, limit: stringLimit, into: &out) { cut = true }
                case .int(let number): JSONWriter.writeInt(number, into: &out)
                case .double(let number): JSONWriter.writeDouble(number, into: &out)
                case .bool(let flag): out.append(ascii: flag ? "true" : "false")
                }
            }
            if cut { cutKeys.append(verdict.reserved ? FieldName.collisionPrefix + key : key) }
        }
        return cutKeys
    }

    /// Whether a later field has the same key (then that one is written instead). Quadratic, which is
    /// cheaper than hashing for the handful of fields a call passes.
    @inline(__always)
    static func isRepeated(at index: Int, in fields: UnsafeBufferPointer<LogField>) -> Bool {
        var later = index + 1
        while later < fields.count {
            // Lengths first: a different length (the rule) answers without a call into string comparison.
            if fields[later].key.utf8.count == fields[index].key.utf8.count && fields[later].key == fields[index].key { return true }
            later += 1
        }
        return false
    }

    /// Whether any field is named `key`.
    static func contains(_ key: String, in fields: UnsafeBufferPointer<LogField>) -> Bool {
        fields.contains { $0.key == key }
    }
}
