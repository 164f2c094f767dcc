import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// One HTTP exchange over URLSession that returns by a deadline even when the server never answers.
///
/// URLSession's own timeouts are idle timeouts (a server that trickles bytes never trips them), and
/// whether its async API honours task cancellation differs between platforms. So the wait is a
/// continuation resumed by whichever comes first — the response, the deadline, or cancellation of the
/// caller — and the losers only cancel the URLSession task. Nothing here waits for the network stack
/// to give up.
enum DeadlineFetch {
    /// How the exchange ended.
    enum Outcome: Sendable {
        case response(status: Int, body: Data)
        case failed(String)
        case timedOut
        case cancelled
    }

    /// Sends `request` and waits at most `timeout`.
    static func data(for request: URLRequest, in session: URLSession, timeout: Duration) async -> Outcome {
        let once = ResumeOnce()
        let task = session.dataTask(with: request) { data, response, error in
            if let error {
                once.resume(.failed(describe(error)))
            } else if let http = response as? HTTPURLResponse {
                once.resume(.response(status: http.statusCode, body: data ?? Data()))
            } else {
                once.resume(.failed("no HTTP response"))
            }
        }
        let timer = Task {
            // Cancelled when the exchange ends first: then there is nothing to time out.
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            once.resume(.timedOut)
            task.cancel()
        }
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                once.install(continuation)
                task.resume()
            }
        } onCancel: {
            once.resume(.cancelled)
            task.cancel()
        }
        timer.cancel()
        return outcome
    }

    /// A short, human-readable transport error (URLError codes say more than the localized text on Linux).
    private static func describe(_ error: any Error) -> String {
        guard let urlError = error as? URLError else { return String(describing: error) }
        switch urlError.code {
        case .cannotConnectToHost: return "connection refused"
        case .cannotFindHost, .dnsLookupFailed: return "host not found"
        case .timedOut: return "timed out"
        case .networkConnectionLost: return "connection lost"
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate, .serverCertificateNotYetValid,
             .serverCertificateHasUnknownRoot, .clientCertificateRejected:
            return "TLS failed"
        case .unsupportedURL, .badURL: return "unsupported URL"
        case .cancelled: return "cancelled"
        default: return "URL error \(urlError.code.rawValue)"
        }
    }
}

/// Resumes a continuation exactly once, with the first outcome offered — even when that outcome
/// arrives before the continuation is installed (cancellation can fire first).
private final class ResumeOnce: Sendable {
    private enum State {
        case idle
        case waiting(CheckedContinuation<DeadlineFetch.Outcome, Never>)
        case early(DeadlineFetch.Outcome)
        case done
    }

    private let state = Mutex(State.idle)

    func install(_ continuation: CheckedContinuation<DeadlineFetch.Outcome, Never>) {
        let early: DeadlineFetch.Outcome? = state.withLock { state in
            switch state {
            case .early(let outcome):
                state = .done
                return outcome
            case .idle:
                state = .waiting(continuation)
                return nil
            case .waiting, .done:
                return nil
            }
        }
        if let early { continuation.resume(returning: early) }
    }

    func resume(_ outcome: DeadlineFetch.Outcome) {
        let continuation: CheckedContinuation<DeadlineFetch.Outcome, Never>? = state.withLock { state in
            switch state {
            case .idle:
                state = .early(outcome)
                return nil
            case .waiting(let continuation):
                state = .done
                return continuation
            case .early, .done:
                return nil
            }
        }
        continuation?.resume(returning: outcome)
    }
}
