import Foundation
import ShopKit

#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C (and SIGTERM, SIGHUP) stop every process the demo started, then exit; a second Ctrl-C
/// kills what is left at once.
final class SignalStopper {
    let launcher: ShopLauncher
    let running: RunningDemo
    /// Kept for the life of the demo: a released source stops delivering.
    private var sources: [any DispatchSourceSignal] = []

    init(launcher: ShopLauncher, running: RunningDemo) {
        self.launcher = launcher
        self.running = running
    }

    func install() {
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number, SIG_IGN)  // the dispatch source below handles it
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            let (launcher, running) = (launcher, running)
            source.setEventHandler {
                if running.isStopping {
                    print("\n==> killing what is left")
                    launcher.children.killAllNow()
                    exit(130)
                }
                print("\n==> stopping everything this demo started (Ctrl-C again to kill at once)...")
                Task {
                    await running.stop(launcher)
                    print("==> stopped; events, shipper state and the store are in \(launcher.workDirectory)")
                    exit(130)
                }
            }
            source.resume()
            sources.append(source)
        }
    }
}
