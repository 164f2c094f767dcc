#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Gzip

/// A file or standard input read in blocks and, when its first bytes are the gzip magic number,
/// decompressed on the fly. Memory is bounded whatever the file size or compression ratio: compressed
/// input is fed to zlib in small slices, so one call yields at most a slice's worth of output
/// (deflate expands at most ~1032:1, so 16 KiB in gives at most ~17 MB out).
struct ByteSource: ~Copyable {
    /// Bytes read per `read(2)`.
    static let blockSize = 128 * 1024
    /// Compressed bytes given to zlib per call.
    static let gzipSliceSize = 16 * 1024

    /// The name errors use (the path, or `stdin`).
    let name: String
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private let block: UnsafeMutableRawBufferPointer
    private var blockStart = 0
    private var blockEnd = 0
    private var decided = false
    private var reachedEOF = false
    private var gunzip: GzipDecompressor?
    /// Raw (possibly compressed) bytes read so far: the progress measure, comparable to the file size.
    private(set) var bytesRead = 0

    /// Opens `path`, or standard input for `-`.
    init(path: String) throws(NDJSONReadError) {
        if path == "-" {
            name = "stdin"
            descriptor = 0
            ownsDescriptor = false
        } else {
            name = path
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw .cannotOpen(file: path, reason: String(cString: strerror(errno))) }
            ownsDescriptor = true
        }
        block = .allocate(byteCount: Self.blockSize, alignment: 1)
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
        block.deallocate()
    }

    /// Whether the input is gzip; known after the first ``read(into:)``.
    var isCompressed: Bool { gunzip != nil }

    /// The file's size when it is a regular file (not a pipe or terminal).
    var fileSize: Int? {
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    /// Appends the next piece of (decompressed) input to `lines`. Returns `false`, appending nothing,
    /// once the input is exhausted; for gzip it first checks that the last member is complete.
    mutating func read(into lines: inout LineBuffer) throws(NDJSONReadError) -> Bool {
        if blockStart == blockEnd {
            blockStart = 0
            blockEnd = 0
            try fill()
            if blockEnd == 0 { return try finish() }
        }
        if !decided {
            // A pipe may deliver a single byte first: the magic number needs two.
            while blockEnd < 2 && !reachedEOF { try fill() }
            decided = true
            if Gzip.looksCompressed(UnsafeRawBufferPointer(rebasing: block[0..<blockEnd])) {
                do { gunzip = try GzipDecompressor() } catch { throw .gzip(file: name, error) }
            }
        }
        if gunzip != nil {
            let sliceEnd = min(blockStart + Self.gzipSliceSize, blockEnd)
            let slice = UnsafeRawBufferPointer(rebasing: block[blockStart..<sliceEnd])
            blockStart = sliceEnd
            do {
                try gunzip!.feed(slice) { chunk in lines.append(chunk) }
            } catch {
                throw .gzip(file: name, error)
            }
        } else {
            lines.append(UnsafeRawBufferPointer(rebasing: block[blockStart..<blockEnd]))
            blockStart = blockEnd
        }
        return true
    }

    /// Reads once into the free end of `block`; sets `reachedEOF` when nothing more comes.
    private mutating func fill() throws(NDJSONReadError) {
        guard !reachedEOF, blockEnd < block.count else { return }
        while true {
            let count = readBlock(descriptor, block.baseAddress! + blockEnd, block.count - blockEnd)
            if count > 0 {
                blockEnd += count
                bytesRead += count
                return
            }
            if count == 0 {
                reachedEOF = true
                return
            }
            if errno != EINTR { throw .readFailed(file: name, reason: String(cString: strerror(errno))) }
        }
    }

    private func finish() throws(NDJSONReadError) -> Bool {
        do { try gunzip?.finish() } catch { throw .gzip(file: name, error) }
        return false
    }
}

/// `read(2)`, under a name that the methods called `read` do not shadow.
private func readBlock(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
