import Foundation
import ServiceLog
import ShopKit
import Testing

/// The fault mechanisms themselves, so that a demo's diagnosis rests on real effects.
@Suite("Shop fault mechanics", .serialized)  // one measures this process's RSS
struct FaultMechanicsTests {
    @Test("a leak really grows resident memory, and slows requests only past its threshold")
    func leakGrowsResidentMemory() throws {
        // Each block is a fresh mapping whose pages become resident when written, never memory this
        // busy test process freed earlier (see MemoryLeak).
        let leak = MemoryLeak(pressureThresholdMB: 64, delayPerMB: .milliseconds(10))
        let before = try #require(ProcessStats.read()).residentBytes
        leak.leak(kilobytes: 48 * 1024)
        #expect(leak.pressureDelay == .zero, "48 MiB is under the 64 MiB threshold")
        leak.leak(kilobytes: 48 * 1024)
        let after = try #require(ProcessStats.read()).residentBytes
        #expect(after - before > 80 << 20, "RSS grew by \(after - before) bytes for 96 MiB leaked")
        #expect(leak.pressureDelay == .milliseconds(320))
        leak.release()
        #expect(leak.retainedMB == 0)
    }

    @Test("a pool whose connections leak fills up, and then calls wait and fail with Exhausted")
    func leakingPoolExhausts() async throws {
        let pool = ConnectionPool(size: 2, waitTimeout: .milliseconds(100))
        for _ in 0..<2 { _ = try await pool.withConnection(leakShare: 1) { 1 } }
        #expect(pool.gauges["db_pool_in_use"] == 2)
        await #expect(throws: ConnectionPool.Exhausted.self) { _ = try await pool.withConnection { 1 } }
        await pool.reclaimLeaked()
        #expect(try await pool.withConnection { 7 } == 7)
        #expect(pool.gauges["db_pool_in_use"] == 0)
    }

    @Test("a partial leak stops at its share, however many calls run at once")
    func partialLeakStopsAtItsShare() async throws {
        let pool = ConnectionPool(size: 4, waitTimeout: .seconds(2))
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<12 { group.addTask { try await pool.withConnection(leakShare: 0.5) { 1 } } }
            try await group.waitForAll()
        }
        #expect(pool.gauges["db_pool_in_use"] == 2, "half of 4 leaked, the rest given back")
    }

    @Test("a waiting call gets the connection another call returns")
    func waiterIsHandedTheReturnedConnection() async throws {
        let pool = ConnectionPool(size: 1, waitTimeout: .seconds(5))
        async let first: Int = pool.withConnection {
            try await Task.sleep(for: .milliseconds(100))
            return 1
        }
        try await Task.sleep(for: .milliseconds(20))
        let second = try await pool.withConnection { 2 }
        #expect(try await first + second == 3)
        #expect(pool.gauges["db_pool_in_use"] == 0)
    }

    @Test("several faults can be on at once, and `none` clears them all")
    func faultsCombine() {
        let faults = FaultState()
        faults.apply(FaultSetting(kind: .memoryLeak))
        faults.apply(FaultSetting(kind: .latency, amount: 250))
        #expect(faults.amount(of: .memoryLeak) == 512)
        #expect(faults.amount(of: .latency) == 250)
        faults.apply(.none)
        #expect(faults.settings.isEmpty)
    }

    @Test("a journey mix with a mistake says which part and what is allowed")
    func mixErrorsAreExplained() throws {
        #expect(try JourneyMix(parsing: "browse=1,checkout=3").description == "browse=1,checkout=3")
        #expect(throws: MixError.self) { try JourneyMix(parsing: "browse=1,buy=2") }
        do {
            _ = try JourneyMix(parsing: "buy=2")
        } catch {
            #expect(error.description.contains("checkout"))
        }
    }
}
