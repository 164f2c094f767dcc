import AnalyzerCore
import Gzip
import Hummingbird

/// Reads an OTLP/HTTP body whole (protobuf cannot be decoded line by line), under the same limits as
/// `/v1/events`: the body size on the wire, the inflated size (a gzip bomb stops at the limit), the
/// time the body may take, and the memory all requests in progress may hold.
struct OTLPBodyReader {
    let limits: IngestLimits
    let bodyTimeout: Duration
    let reservation: IngestMemoryBudget.Reservation

    func read(_ body: RequestBody, contentEncoding: String?) async throws(IngestError) -> [UInt8] {
        let encoding = try IngestBatchDecoder.ContentEncoding(header: contentEncoding)
        var wire: [UInt8] = []
        let deadline = ContinuousClock.now + bodyTimeout
        do {
            for try await buffer in body {
                guard ContinuousClock.now < deadline else { throw IngestError.bodyTimeout(seconds: bodyTimeout.components.seconds) }
                guard wire.count + buffer.readableBytes <= limits.maxBodyBytes else { throw IngestError.bodyTooLarge(limit: limits.maxBodyBytes) }
                guard reservation.grow(by: buffer.readableBytes) else { throw IngestError.busy(limit: limits.maxInFlightBytes) }
                wire.append(contentsOf: buffer.readableBytesView)
            }
        } catch let error as IngestError {
            throw error
        } catch {
            throw .corruptCompression("the body could not be read: \(error)")
        }
        guard encoding == .gzip else { return wire }
        return try inflate(wire)
    }

    private func inflate(_ wire: [UInt8]) throws(IngestError) -> [UInt8] {
        var inflated: [UInt8] = []
        var overBudget = false
        do {
            var gunzip = try GzipDecompressor(maxOutputBytes: limits.maxDecompressedBytes)
            try wire.withUnsafeBytes { bytes in
                try Self.feed(bytes, to: &gunzip, into: &inflated, reservation: reservation, overBudget: &overBudget)
            }
            try gunzip.finish()
        } catch let error as GzipError {
            throw IngestBatchDecoder.ingestError(error)
        } catch {
            throw .decompressorFailed("\(error)")
        }
        if overBudget { throw .busy(limit: limits.maxInFlightBytes) }
        return inflated
    }

    /// A function of its own, all state `inout`: a typed-throws closure literal here crashes the 6.3 compiler.
    private static func feed(
        _ bytes: UnsafeRawBufferPointer, to gunzip: inout GzipDecompressor, into inflated: inout [UInt8],
        reservation: IngestMemoryBudget.Reservation, overBudget: inout Bool
    ) throws(GzipError) {
        try gunzip.feed(bytes) { chunk in
            guard !overBudget, reservation.grow(by: chunk.count) else {
                overBudget = true
                return
            }
            inflated.append(contentsOf: chunk)
        }
    }
}
