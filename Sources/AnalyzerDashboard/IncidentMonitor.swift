import AnalyzerCore
import Foundation
import Logging
import ServiceLifecycle
import ServiceLog
import Synchronization

/// Keeps the incident list current without analysing on every page load: one analysis at start, then
/// one after each burst of ingest (debounced) and when the poll timer finds events another process
/// wrote, never two at once and never closer than ``DashboardConfiguration/minimumRefreshInterval``.
///
/// Each analysis reads at most ``DashboardConfiguration/analysisWindow`` of event time (ending at the
/// newest event), runs the same ``IncidentAnalyzer`` as `analyzer incidents`, and replaces the
/// incidents of that window; older incidents stay listed. Its stages and results are published on
/// the ``DashboardEventHub``, and `/metrics` is updated.
///
/// Run it as a service (it is one of the dashboard application's services); readers call
/// ``incidents()``, which waits for the first analysis.
public actor IncidentMonitor: Service {
    /// Why an analysis was asked for.
    enum Wake: Sendable {
        case ingest
        case poll
    }

    private let store: any EventStore
    private let configuration: DashboardConfiguration
    private let hub: DashboardEventHub
    private let metrics: DashboardMetrics
    private let analyzer = IncidentAnalyzer()
    private let wakeStream: AsyncStream<Wake>
    private let wakeContinuation: AsyncStream<Wake>.Continuation
    private let acceptedSinceStart = Mutex(0)

    private var known: [Incident] = []
    private var tracker: IncidentTracker?
    private var learning = false
    private var openCount = 0
    private var lastRun: AnalysisRun?
    private var lastStoredCount: Int?
    private var analysing = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private let alerts: AlertDispatcher?
    private let logger: Logger

    /// Creates a monitor over `store`; nothing runs until ``run()`` or the first ``incidents()``.
    /// Incidents opened, changed and resolved are logged to `logger` (``IncidentLog``).
    public init(
        store: any EventStore, configuration: DashboardConfiguration, hub: DashboardEventHub, metrics: DashboardMetrics,
        logger: Logger = Logger(label: "analyzer.incidents")
    ) {
        self.store = store
        self.logger = logger
        self.configuration = configuration
        self.hub = hub
        self.metrics = metrics
        (wakeStream, wakeContinuation) = AsyncStream.makeStream(of: Wake.self, bufferingPolicy: .bufferingNewest(1))
        alerts = configuration.alerts.isEmpty ? nil : AlertDispatcher(targets: configuration.alerts, dashboard: configuration.dashboardURL)
    }

    /// Delivery figures of the alerts, per target URL (empty without targets).
    public func alertTally() async -> [String: AlertDispatcher.Tally] {
        await alerts?.tally() ?? [:]
    }

    /// Called after ingest stored a batch: counts it and its traffic, announces it, and schedules an
    /// analysis. Returns at once (it runs inside the ingest request, before the acknowledgement).
    public nonisolated func noteInsert(_ events: [Event], _ receipt: StoreReceipt) {
        metrics.recordIngest(events, receipt)
        let total = acceptedSinceStart.withLock { total in
            total += receipt.inserted
            return total
        }
        let notice = IngestNotice(accepted: receipt.inserted, duplicates: receipt.duplicates, totalAccepted: total)
        let hub = hub
        Task { await hub.publish(DashboardEvent(name: "ingest", value: notice)) }
        if receipt.inserted > 0 { wakeContinuation.yield(.ingest) }
    }

    /// The known incidents, newest first, in the shape of `analyzer incidents --json`. Waits for the
    /// first analysis (starting it if the service is not running yet).
    public func incidents() async -> [Incident] {
        await waitForFirstAnalysis()
        return known
    }

    /// One incident by ID, or `nil`.
    public func incident(id: String) async -> Incident? {
        await incidents().first { $0.id == id }
    }

    /// Store figures and the last analysis, for `/api/status` and the live stream's `hello`.
    public func status() async -> DashboardStatus {
        let count = (try? await store.count()) ?? 0
        let range = try? await store.timeRange()
        var aiConfigured = false
        var aiReason: String?
        switch configuration.llm {
        case .success(.some): aiConfigured = true
        case .success(nil): aiReason = "no LLM configured (set OPENAI_API_KEY or OPENAI_BASE_URL)"
        case .failure(let error): aiReason = error.description
        }
        return DashboardStatus(
            storedEvents: count, oldest: range?.lowerBound.description, newest: range?.upperBound.description, analysing: analysing,
            lastAnalysis: lastRun, incidents: known.count, openIncidents: openCount, aiConfigured: aiConfigured,
            aiUnavailableReason: aiReason, learningBaseline: learning)
    }

    /// Analyses at start, then whenever woken (see the type's description), until graceful shutdown
    /// or cancellation; then closes the hub so every live stream ends.
    public func run() async throws {
        let poll = configuration.pollInterval
        let wake = wakeContinuation
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: poll)
                    wake.yield(.poll)
                }
            }
            group.addTask { await self.refreshLoop() }
            group.addTask {
                try? await gracefulShutdown()
            }
            // Whichever ends first (shutdown, or cancellation ending the others) stops the rest.
            await group.next()
            group.cancelAll()
        }
        await alerts?.drain()
        await hub.close()
    }

    private func refreshLoop() async {
        await waitForFirstAnalysis()
        var lastStart = ContinuousClock.now
        for await reason in wakeStream {
            if Task.isCancelled { break }
            switch reason {
            case .poll:
                // Only when the store changed behind our back (another process, retention).
                guard let count = try? await store.count(), count != lastStoredCount else { continue }
            case .ingest:
                try? await Task.sleep(for: configuration.ingestDebounce)
            }
            let wait = configuration.minimumRefreshInterval - (ContinuousClock.now - lastStart)
            if wait > .zero { try? await Task.sleep(for: wait) }
            if Task.isCancelled { break }
            lastStart = ContinuousClock.now
            await refresh()
        }
    }

    private func waitForFirstAnalysis() async {
        if lastRun != nil { return }
        if analysing {
            await withCheckedContinuation { waiters.append($0) }
        } else {
            await refresh()
        }
    }

    /// One analysis of the window ending at the newest event.
    func refresh() async {
        if analysing {
            await withCheckedContinuation { waiters.append($0) }
            return
        }
        analysing = true
        defer {
            analysing = false
            let waiting = waiters
            waiters.removeAll()
            for waiter in waiting { waiter.resume() }
        }
        let started = ContinuousClock.now
        await progress(.gatheringData, "gathering data")
        do {
            let count = try await store.count()
            guard let range = try await store.timeRange() else {
                finish(incidents: [], open: 0, count: count, from: nil, until: nil, events: 0, started: started)
                await publishChanges(previous: [])
                return
            }
            let (newest, windowFrom, note) = try await window(range)
            let until = newest.adding(microseconds: 1).microsecondsSinceEpoch
            // An open incident keeps its onset and the baseline before it in the window (up to 4 windows),
            // unless the window was already cut to its event cap (memory comes first).
            let from = note != nil ? windowFrom : await loadTracker().analysisStart(
                from: windowFrom, until: until, earliest: range.lowerBound.microsecondsSinceEpoch,
                maximumMicros: 4 * configuration.analysisWindow.microseconds)
            let events = try await store.events(matching: EventQuery(
                from: Timestamp(microsecondsSinceEpoch: from), until: Timestamp(microsecondsSinceEpoch: until),
                eventTypes: Observations.eventTypes))
            await progress(.analysingTraces, "analysing traces (\(events.count) events)" + (note.map { "; \($0)" } ?? ""))
            let (found, observations) = await Self.analyse(events, analyzer: analyzer)
            // Kept for request diagnoses (dashboard and CLI), which then need not analyse this window again.
            try? await (store as? any AnalysisStore)?.save(
                StoredAnalysis(from: from, until: until, observations: observations, incidents: found))

            let previous = known
            var tracker = await loadTracker()
            let tracked = tracker.incidents
            let changes = tracker.update(with: found, analysedFrom: from, analysedUntil: until)
            IncidentLog.record(changes, previous: tracked, current: tracker.incidents, logger: logger)
            self.tracker = tracker
            let changed = Set(changes.opened + changes.updated + changes.resolved)
            try? await (store as? any IncidentRecordStore)?.saveTrackedIncidents(tracker.incidents.filter { changed.contains($0.id) })
            await alerts?.consider(tracker.incidents)
            let merged = Array(tracker.incidents.prefix(configuration.maximumIncidents))
            let open = merged.filter { $0.lifecycle?.state == .open }.count
            let span = newest.microsecondsSinceEpoch - range.lowerBound.microsecondsSinceEpoch
            learning = span < analyzer.detector.warmUpMicros(forSpan: span)
            finish(
                incidents: merged, open: open, count: count, from: Timestamp(microsecondsSinceEpoch: from).description,
                until: newest.description, events: events.count, started: started, note: note)
            await progress(
                .incidentsReady,
                learning ? "learning the baseline (\(span / 1_000_000) s of data so far)"
                    : "\(merged.count) incident\(merged.count == 1 ? "" : "s") (\(open) open)")
            await publishChanges(previous: previous)
        } catch {
            await progress(.failed, "analysis failed: \(error)")
            if lastRun == nil {
                finish(incidents: known, open: openCount, count: 0, from: nil, until: nil, events: 0, started: started)
            }
        }
    }

    /// The tracker, with the incidents an earlier run kept in the store (their IDs survive a restart).
    private func loadTracker() async -> IncidentTracker {
        if let tracker { return tracker }
        let kept = (try? await (store as? any IncidentRecordStore)?.trackedIncidents(limit: configuration.maximumIncidents)) ?? []
        var tracker = IncidentTracker(incidents: kept)
        tracker.resolveAfterMicros = configuration.openGrace.microseconds
        // Announced by the run that kept them: a restart does not alert again.
        await alerts?.seed(with: kept)
        return tracker
    }

    /// The window to analyse (``AnalysisWindow``): it ends at the newest event that is not ahead of
    /// this machine's clock by more than ``DashboardConfiguration/futureTolerance`` (all of them, if
    /// every event is), spans at most ``DashboardConfiguration/analysisWindow`` and holds at most
    /// ``DashboardConfiguration/maxAnalysisEvents`` events. `note` says what was left out, if anything.
    func window(_ range: ClosedRange<Timestamp>) async throws -> (newest: Timestamp, from: Int64, note: String?) {
        let limits = AnalysisWindow.Limits(
            maxSpan: configuration.analysisWindow, maxEvents: configuration.maxAnalysisEvents,
            futureTolerance: configuration.futureTolerance, notesSpanCut: false)
        guard let window = try await AnalysisWindow.resolve(in: store, limits: limits) else {
            return (range.upperBound, range.lowerBound.microsecondsSinceEpoch, nil)
        }
        return (window.newest, window.from.microsecondsSinceEpoch, window.notes.isEmpty ? nil : window.notes.joined(separator: "; "))
    }

    private func finish(
        incidents: [Incident], open: Int, count: Int, from: String?, until: String?, events: Int, started: ContinuousClock.Instant,
        note: String? = nil
    ) {
        let took = ContinuousClock.now - started
        known = incidents
        openCount = open
        lastStoredCount = count
        lastRun = AnalysisRun(
            finishedAt: Timestamp.now().description, from: from, until: until, events: events,
            tookMS: Double(took.microseconds) / 1000, note: note)
        metrics.recordAnalysis(duration: took, storedEvents: count, incidents: incidents.count, open: open)
        logger.debug("analysis finished", metadata: [
            "events": .stringConvertible(events), "took_ms": .stringConvertible(Double(took.microseconds) / 1000),
            "incidents": .stringConvertible(incidents.count), "open": .stringConvertible(open),
            "note": .string(note ?? ""),
        ])
    }

    private func publishChanges(previous: [Incident]) async {
        let before = Set(previous.map(\.id))
        let changed = IncidentsChanged(newIDs: known.map(\.id).filter { !before.contains($0) }, total: known.count, open: openCount)
        await hub.publish(DashboardEvent(name: "incidents", value: changed))
    }

    private func progress(_ stage: AnalysisProgress.Stage, _ message: String) async {
        await hub.publish(DashboardEvent(name: "progress", value: AnalysisProgress(scope: "incidents", stage: stage, message: message)))
    }

    /// The CPU-bound part, off the actor so readers are not held up: the incidents of the window.
    @concurrent
    private static func analyse(_ events: [Event], analyzer: IncidentAnalyzer) async -> ([Incident], Observations) {
        let observations = Observations(events: events)
        return (analyzer.incidents(in: observations), observations)
    }
}
