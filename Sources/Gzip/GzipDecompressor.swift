import CZlib

/// Streaming gzip decompression with an output limit: feed compressed chunks as they arrive (a file
/// read in blocks, a request body), receive decompressed chunks. Concatenated gzip members (as `cat
/// a.gz b.gz` or a rotated-and-appended file produce) are decompressed one after another.
public struct GzipDecompressor: ~Copyable {
    private let stream: UnsafeMutablePointer<z_stream>
    private var produced = 0
    private var inMember = false
    private var finishedMember = false
    /// The most bytes this decompressor will produce in total.
    public let maxOutputBytes: Int

    /// Creates a decompressor that throws ``GzipError/tooLarge(limit:)`` past `maxOutputBytes`.
    public init(maxOutputBytes: Int = .max) throws(GzipError) {
        self.maxOutputBytes = maxOutputBytes
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard servicelog_inflate_init_gzip(stream) == Z_OK else {
            stream.deallocate()
            throw .zlib(code: Z_STREAM_ERROR)
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// Decompresses `input`, calling `body` with each decompressed chunk (valid only during the call).
    public mutating func feed(_ input: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws(GzipError) -> Void) throws(GzipError) {
        guard !input.isEmpty else { return }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 1)
        defer { chunk.deallocate() }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        while stream.pointee.avail_in > 0 {
            if finishedMember {
                // Another member follows the one that ended.
                guard inflateReset(stream) == Z_OK else { throw .zlib(code: Z_STREAM_ERROR) }
                finishedMember = false
            }
            inMember = true
            var status: Int32 = Z_OK
            stream.pointee.next_out = chunk.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(chunk.count)
            status = inflate(stream, Z_NO_FLUSH)
            let written = chunk.count - Int(stream.pointee.avail_out)
            switch status {
            case Z_OK, Z_BUF_ERROR:
                break
            case Z_STREAM_END:
                inMember = false
                finishedMember = true
            case Z_DATA_ERROR, Z_NEED_DICT:
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "corrupt data"
                throw .corrupt(message: message)
            default:
                throw .zlib(code: status)
            }
            if written > 0 {
                produced += written
                if produced > maxOutputBytes { throw .tooLarge(limit: maxOutputBytes) }
                try body(UnsafeRawBufferPointer(rebasing: chunk[0..<written]))
            } else if status == Z_BUF_ERROR {
                break  // needs more input
            }
        }
    }

    /// Checks that the input ended at the end of a member.
    public func finish() throws(GzipError) {
        if inMember { throw .truncated }
    }
}
