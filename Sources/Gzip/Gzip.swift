import CZlib

/// One-shot gzip compression and bounded decompression over zlib.
public enum Gzip {
    /// Compresses `bytes` into one gzip member. `level` is zlib's 0 (store) to 9 (smallest), 6 by default.
    public static func compress(_ bytes: UnsafeRawBufferPointer, level: Int32 = 6) throws(GzipError) -> [UInt8] {
        var stream = z_stream()
        guard servicelog_deflate_init_gzip(&stream, level) == Z_OK else { throw .zlib(code: Z_STREAM_ERROR) }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(bytes.count))) + 32
        var output = [UInt8](repeating: 0, count: bound)
        let status: Int32 = output.withUnsafeMutableBytes { out in
            stream.next_in = UnsafeMutablePointer(mutating: bytes.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(bytes.count)
            stream.next_out = out.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(out.count)
            return deflate(&stream, Z_FINISH)
        }
        guard status == Z_STREAM_END else { throw .zlib(code: status) }
        output.removeLast(Int(stream.avail_out))
        return output
    }

    /// Compresses an array.
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) throws(GzipError) -> [UInt8] {
        let result = bytes.withUnsafeBytes { raw in Result { () throws(GzipError) in try compress(raw, level: level) } }
        return try result.get()
    }

    /// Decompresses gzip (or zlib) data, including several concatenated gzip members, refusing to
    /// produce more than `maxOutputBytes` (the defence against gzip bombs: memory is bounded by the
    /// limit, whatever the compression ratio).
    public static func decompress(_ bytes: UnsafeRawBufferPointer, maxOutputBytes: Int) throws(GzipError) -> [UInt8] {
        var decompressor = try GzipDecompressor(maxOutputBytes: maxOutputBytes)
        var output: [UInt8] = []
        try decompressor.feed(bytes) { output.append(contentsOf: $0) }
        try decompressor.finish()
        return output
    }

    /// Decompresses an array.
    public static func decompress(_ bytes: [UInt8], maxOutputBytes: Int) throws(GzipError) -> [UInt8] {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(GzipError) in try decompress(raw, maxOutputBytes: maxOutputBytes) }
        }
        return try result.get()
    }

    /// Whether `bytes` start with the gzip magic number.
    public static func looksCompressed(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }
}
