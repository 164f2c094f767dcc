/// Reading and checking bearer credentials, shared by the ingest endpoint and the dashboard's access check.
package enum BearerCredentials {
    /// The credentials of a `Bearer` authorization (the scheme is case-insensitive, RFC 9110 §11.1).
    package static func token(in header: String) -> [UInt8]? {
        let utf8 = Array(header.utf8)
        guard utf8.count > 7, utf8[6] == 0x20,
            String(decoding: utf8[0..<6], as: UTF8.self).lowercased() == "bearer"
        else { return nil }
        let token = utf8[7...].drop { $0 == 0x20 }
        return token.isEmpty ? nil : Array(token)
    }

    /// Compares every byte of `expected` whatever `presented` holds: the time depends only on the
    /// expected length, never on where the first difference is.
    package static func constantTimeEquals(_ presented: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference: UInt = presented.count == expected.count ? 0 : 1
        for index in expected.indices {
            let byte = index < presented.count ? presented[index] : 0
            difference |= UInt(byte ^ expected[index])
        }
        return difference == 0
    }
}
