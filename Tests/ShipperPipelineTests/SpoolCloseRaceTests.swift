import Foundation
import ShipperCore
import ShipperPipeline
import Synchronization
import Testing

/// `Spool.close()` while another thread is inside `append` (past the wait, writing and fsyncing).
///
/// This is what the pipeline does on every shutdown whose drain deadline passes: the delivery thread
/// calls `spool.close()` while the batcher may be appending its last batch. The append must either
/// finish or return false; it must never fail with EBADF (closing the descriptor under it used to make a
/// normal shutdown look fatal, and could send the batch to a file that reused the descriptor number).
@Suite("Spool close race", .serialized)
struct SpoolCloseRaceTests {
    @Test(arguments: 0..<20)
    func closeDuringAnAppendMakesItReturnFalseOrSucceedNeverFail(round: Int) throws {
        let dir = TemporaryDirectory("spool-close-race")
        defer { withExtendedLifetime(dir) {} }
        let spool = try Spool(directory: dir.path, maxBytes: 1 << 30, segmentBytes: 256 << 20, acknowledged: nil, checkpoint: Checkpoint())
        let body = [UInt8](repeating: UInt8(ascii: "x"), count: 8 << 20)
        let batch = SpoolBatch(
            eventCount: 1, contentEncoding: nil, positions: [testStream: .file(path: "/a", offset: 1)], body: body,
            uncompressedBytes: body.count)
        let outcome = Mutex<String?>(nil)
        let appended = Atomic<Int>(0)
        let thread = Thread {
            while true {
                do {
                    guard try spool.append(batch) else {
                        outcome.withLock { $0 = "returned false" }
                        return
                    }
                    appended.add(1, ordering: .sequentiallyConsistent)
                } catch {
                    outcome.withLock { $0 = "threw: \(error)" }
                    return
                }
            }
        }
        thread.start()
        #expect(waitFor { appended.load(ordering: .sequentiallyConsistent) >= 1 })
        // Land the close at different points of the append cycle (serialize, wait, write, fsync).
        usleep(UInt32(round) * 2_500)
        spool.close()
        #expect(waitFor { outcome.withLock { $0 } != nil })
        #expect(outcome.withLock { $0 } == "returned false")
    }
}
