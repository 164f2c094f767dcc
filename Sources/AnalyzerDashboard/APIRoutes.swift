import AnalyzerCore
import Hummingbird
import ServiceLog

/// The JSON API behind the pages (mount under `/api`). Shapes are those of the CLI's `--json`
/// (the same types): see `docs/api.md`.
///
/// | route | answer |
/// |---|---|
/// | `GET status` | ``DashboardStatus`` |
/// | `GET incidents` | `[Incident]` newest first (`analyzer incidents --json`) |
/// | `GET incidents/{id}` | ``Incident`` |
/// | `GET incidents/{id}/timeline` | ``IncidentTimeline`` |
/// | `GET requests/{id}` | ``Diagnosis`` (`analyzer diagnose ID --json`; `?ai=true` for `--ai`) |
/// | `GET requests/{id}/trace` | ``TraceReport`` (`analyzer trace ID --json`) |
/// | `GET requests/{id}/diagnosis/stream` | Server-Sent Events: `progress`, `diagnosis`, `done` |
/// | `GET services` | ``ServiceGraph`` (`analyzer services --json`); `from`, `until` (RFC 3339) or `window` (seconds before the newest event, default 900) |
/// | `GET stream` | Server-Sent Events: `hello`, `ingest`, `progress`, `incidents` (see ``DashboardEvent``) |
public struct APIRoutes<Context: RequestContext>: Sendable {
    let store: any EventStore
    let monitor: IncidentMonitor
    let hub: DashboardEventHub
    let diagnoser: RequestDiagnoser
    let cache: DiagnosisCache
    let maxEvents: Int

    /// Creates the routes over `store`, reading incidents from `monitor` and live events from `hub`.
    public init(store: any EventStore, monitor: IncidentMonitor, hub: DashboardEventHub, configuration: DashboardConfiguration) {
        self.store = store
        self.monitor = monitor
        self.hub = hub
        diagnoser = RequestDiagnoser(store: store, llm: configuration.llm)
        cache = DiagnosisCache(capacity: configuration.cachedDiagnoses)
        maxEvents = configuration.maxAnalysisEvents
    }

    /// Adds the routes to `router`. Parameters are read into bounded values first (``PathIdentifier``,
    /// ``QueryFlag``, ``ServicesWindow``); one that cannot be read is a 400 with the reason.
    public func addRoutes(to router: some RouterMethods<Context>) {
        router.get("status") { _, _ in try DashboardJSON.response(await monitor.status()) }
        router.get("incidents") { _, _ in try DashboardJSON.response(await monitor.incidents()) }
        router.get("incidents/:id") { _, context in
            try await Self.answering {
                let id = try PathIdentifier.parse(context, "id")
                guard let incident = await monitor.incident(id: id) else { return Self.unknownIncident(id) }
                return try DashboardJSON.response(incident)
            }
        }
        router.get("incidents/:id/timeline") { _, context in
            try await Self.answering {
                let id = try PathIdentifier.parse(context, "id")
                guard let incident = await monitor.incident(id: id) else { return Self.unknownIncident(id) }
                return try DashboardJSON.response(try await IncidentTimeline.build(for: incident, store: store))
            }
        }
        router.get("requests/:id") { request, context in
            try await Self.answering {
                let id = try PathIdentifier.parse(context, "id")
                let ai = try QueryFlag.parse(request, "ai", default: false)
                if ai, let cached = await cache.diagnosis(for: id) { return try DashboardJSON.response(cached) }
                guard let diagnosis = try await diagnoser.diagnose(id: id, ai: ai) else { return Self.unknownRequest(id) }
                if ai, diagnosis.source == .llm { await cache.store(diagnosis, for: id) }
                return try DashboardJSON.response(diagnosis)
            }
        }
        router.get("requests/:id/trace") { _, context in
            try await Self.answering {
                let id = try PathIdentifier.parse(context, "id")
                guard let trace = try await diagnoser.trace(id: id) else { return Self.unknownRequest(id) }
                return try DashboardJSON.response(TraceReport(trace))
            }
        }
        router.get("requests/:id/diagnosis/stream") { request, context in
            try await Self.answering {
                let id = try PathIdentifier.parse(context, "id")
                return diagnosisStream(id: id, ai: try QueryFlag.parse(request, "ai", default: true))
            }
        }
        router.get("services") { request, _ in
            try await Self.answering { try await services(request) }
        }
        router.get("stream") { _, _ in
            let hello = DashboardEvent(name: "hello", value: await monitor.status())
            return ServerSentEvents.response(initial: [hello], events: await hub.subscribe())
        }
    }

    /// `analyzer services --json` for a window: `from`/`until`, or the last `window` seconds of data.
    func services(_ request: Request) async throws -> Response {
        let window = try ServicesWindow(request)
        let newest = window.from == nil && window.until == nil ? try await store.timeRange()?.upperBound : nil
        var (from, until) = window.bounds(newest: newest)
        // At most the newest maxAnalysisEvents of the window: the graph is built in memory.
        if let start = try await store.start(ofNewest: maxEvents, from: from, until: until), start > (from ?? start) { from = start }
        let events = try await store.events(matching: EventQuery(
            from: from, until: until, eventTypes: [.requestEnd, .serviceCall, .requestStart, .log, .error, .resource]))
        return try DashboardJSON.response(ServiceGraph.build(from: events))
    }

    /// The diagnosis of one request as it forms: `progress` events, each `diagnosis` when ready, then `done`.
    func diagnosisStream(id: String, ai: Bool) -> Response {
        let (events, output) = AsyncStream.makeStream(of: DashboardEvent.self)
        let diagnoser = diagnoser
        let cache = cache
        let task = Task {
            @Sendable func send(_ stage: AnalysisProgress.Stage, _ message: String, _ diagnosis: Diagnosis?) {
                output.yield(DashboardEvent(name: "progress", value: AnalysisProgress(scope: "request", subject: id, stage: stage, message: message)))
                if let diagnosis { output.yield(DashboardEvent(name: "diagnosis", value: diagnosis)) }
            }
            do {
                let result: Diagnosis?
                if ai, let cached = await cache.diagnosis(for: id) {
                    send(cached.source == .llm ? .aiReady : .aiUnavailable,
                         cached.source == .llm ? "AI hypothesis ready" : (cached.fallbackReason ?? "AI unavailable"), cached)
                    result = cached
                } else {
                    result = try await diagnoser.diagnose(id: id, ai: ai) { stage, message, diagnosis in
                        send(stage, message, diagnosis)
                    }
                    if ai, let result, result.source == .llm { await cache.store(result, for: id) }
                }
                if result == nil { send(.failed, "no events with correlation or trace ID '\(id)'", nil) }
                output.yield(DashboardEvent(name: "done", value: ["found": result != nil]))
            } catch {
                send(.failed, "diagnosis failed: \(error)", nil)
                output.yield(DashboardEvent(name: "done", value: ["found": false]))
            }
            output.finish()
        }
        output.onTermination = { _ in task.cancel() }
        return ServerSentEvents.response(events: events)
    }

    /// Runs a handler, answering a parameter it could not read with 400 and the reason.
    static func answering(_ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let error as APIParameterError {
            return error.response
        }
    }

    static func unknownIncident(_ id: String) -> Response {
        DashboardJSON.error("no incident '\(id)' (GET /api/incidents lists them)", status: .notFound)
    }

    static func unknownRequest(_ id: String) -> Response {
        DashboardJSON.error("no events with correlation or trace ID '\(id)'", status: .notFound)
    }
}
