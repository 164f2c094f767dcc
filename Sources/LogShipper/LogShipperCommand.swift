import ArgumentParser

/// The sidecar's entry point. Sources, pipeline and delivery land here with the LogShipper issue.
@main
struct LogShipperCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logshipper",
        abstract: "Ships canonical events from log files or journald to the analyzer, at least once.",
        discussion: """
            Planned usage (LogShipper issue; not available in this version):
              logshipper --file '/var/log/orders/*.log' --to http://127.0.0.1:4180
              logshipper --journal --unit orders.service --to http://127.0.0.1:4180
              logshipper validate CONFIG

            Until then, services can write events to stdout, a rotating file (RotatingFileOutput) or \
            journald (ServiceLogJournal), and `analyzer validate FILE` checks them.
            """,
        version: "0.1.0")

    func run() throws {
        print(Self.helpMessage())
    }
}
