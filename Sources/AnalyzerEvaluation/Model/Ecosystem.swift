/// The stack a simulated service is written in. Real fleets mix them, and each names its loggers,
/// exceptions and pool errors its own way, so an engine evaluated on one vocabulary learns only that.
public enum Ecosystem: String, Sendable, Hashable, Codable, CaseIterable {
    /// Java with Spring Boot, HikariCP and Logback (`o.s.w.s.DispatcherServlet`, `java.lang.…`).
    case spring
    /// Go with net/http and pgx (`http: panic serving …`, `context deadline exceeded`).
    case go
    /// Node.js with Express and knex (`TypeError: Cannot read properties of undefined`).
    case node
    /// Python with FastAPI, uvicorn and SQLAlchemy (`Traceback (most recent call last)`).
    case python
    /// Swift with Hummingbird and swift-log (`Fatal error: …`, `PSQLError`).
    case swift
}
