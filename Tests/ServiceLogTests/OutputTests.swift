import Foundation
import Logging
import ServiceLog
import Testing

@Suite struct RotatingFileOutputTests {
    @Test func rotatesBySizeKeepsNFilesAndNeverSplitsALine() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("svc.log").path
        let output = try RotatingFileOutput(path: path, maxBytes: 10_000, maxFiles: 3)
        let (logger, writer) = makeLogger(output: output)
        for index in 0..<1_000 {
            logger.info("line", metadata: ["n": .stringConvertible(index)])
            if index % 50 == 0 { writer.flush() }  // several batches, so rotation happens between them
        }
        writer.flush()
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(names == ["svc.log", "svc.log.1", "svc.log.2", "svc.log.3"])
        var numbers: [Int] = []
        for name in ["svc.log.3", "svc.log.2", "svc.log.1", "svc.log"] {
            let content = try String(contentsOfFile: directory.appendingPathComponent(name).path, encoding: .utf8)
            #expect(content.hasSuffix("\n"), "\(name) ends mid-line")
            let size = content.utf8.count
            #expect(size <= 10_000 + 4_096, "\(name) is \(size) bytes")
            for line in content.split(separator: "\n") {
                numbers.append(try #require(try Event(jsonLine: String(line)).attributes["n"]?.intValue))
            }
        }
        // The newest events, in order, with nothing missing in between.
        #expect(numbers.last == 999)
        #expect(numbers == Array((numbers.first!)...999))
    }

    @Test func appendsToAnExistingFileAndReportsAMissingDirectory() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("a.log").path
        try "earlier\n".write(toFile: path, atomically: true, encoding: .utf8)
        let output = try RotatingFileOutput(path: path)
        try Array("later\n".utf8).withUnsafeBytes { try output.write($0) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "earlier\nlater\n")
        #expect {
            try RotatingFileOutput(path: directory.appendingPathComponent("missing/dir/x.log").path)
        } throws: { "\($0)".contains("No such file or directory") }
    }
}

@Suite struct ResourceSamplerTests {
    @Test func readsThisProcessFromProc() throws {
        let stats = try #require(ProcessStats.read())
        #expect(stats.residentBytes > 1 << 20)
        #expect(stats.threads >= 1)
        #expect(stats.openFDs >= 3)
        #expect(stats.cpuSeconds > 0)
    }

    @Test func computesCPUPercentFromTwoReadings() throws {
        let before = ProcessStats(residentBytes: 100 << 20, cpuSeconds: 10, threads: 4, openFDs: 10)
        let after = ProcessStats(residentBytes: 150 << 20, cpuSeconds: 11.5, threads: 5, openFDs: 12)
        let sample = try #require(ResourceSampler.sample(current: after, previous: before, elapsed: .seconds(2), gauges: ["queue": 3]))
        #expect(sample.cpuPercent == 75)
        #expect(sample.memoryMB == 150)
        #expect(sample.threads == 5 && sample.openFDs == 12 && sample.gauges == ["queue": 3])
    }

    @Test func writesResourceEventsWhileRunning() async throws {
        let output = CapturingOutput()
        let (logger, writer) = makeLogger(output: output)
        let sampler = ResourceSampler(logger: logger, interval: .milliseconds(50)) { ["pool_in_use": 2] }
        let task = Task { await sampler.run() }
        // Wait for two samples rather than a fixed time: the test pool may be busy with other suites.
        for _ in 0..<200 where output.lines.count < 2 { try await Task.sleep(for: .milliseconds(50)) }
        task.cancel()
        await task.value
        writer.flush()
        let samples = try output.lines.map { try Event(jsonLine: $0) }.compactMap { event -> ResourceSample? in
            if case .resource(let sample) = event.payload { return sample }
            return nil
        }
        #expect(samples.count >= 2)
        #expect(samples.allSatisfy { $0.memoryMB > 1 && $0.gauges["pool_in_use"] == 2 })
    }
}
