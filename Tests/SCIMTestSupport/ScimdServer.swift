import Foundation

/// A running `scimd serve` process on 127.0.0.1, with its standard error collected for log checks.
///
/// The server is killed with SIGKILL when the instance goes away while it still runs, so a failed
/// test never leaves a server behind. Call ``stop(signal:timeout:)`` to check a clean shutdown.
package final class ScimdServer {
    /// The port from the server's `scimd.listen=127.0.0.1:PORT` line.
    package let port: Int
    private let process: Process
    private let standardError: OutputCollector
    private let standardOutput: OutputCollector

    /// Starts the server and waits up to `startTimeout` for its listen line.
    init(
        executablePath: String,
        arguments: [String],
        environment: [String: String],
        directory: URL,
        startTimeout: Duration = .seconds(20)
    ) throws {
        process = try ChildProcess.configured(
            executablePath, arguments, environment: environment, directory: directory)
        let stdoutPipe = Pipe()
        let stderrPipe = Pipe()
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        try process.run()
        standardOutput = OutputCollector(reading: stdoutPipe)
        standardError = OutputCollector(reading: stderrPipe)

        var foundPort: Int?
        let collector = standardError
        let running = process
        _ = Deadline(after: startTimeout).poll {
            foundPort = Self.listenPort(in: collector.text)
            return foundPort != nil || !running.isRunning
        }
        guard let foundPort else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            collector.waitUntilFinished(timeout: .seconds(2))
            throw TestSetupError(
                "scimd \(arguments.joined(separator: " ")) printed no listen line within \(startTimeout) "
                    + "(\(ProcessExit(process))); stderr: \(collector.text)")
        }
        port = foundPort
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// The origin requests go to, `http://127.0.0.1:PORT`.
    package var origin: String {
        "http://127.0.0.1:\(port)"
    }

    /// Everything the server wrote to standard error so far.
    package var log: String {
        standardError.text
    }

    /// The lines the server wrote to standard error so far.
    package var logLines: [String] {
        log.split(whereSeparator: \.isNewline).map(String.init)
    }

    /// Everything the server wrote to standard output so far.
    package var output: String {
        standardOutput.text
    }

    /// Whether the process is still running.
    package var isRunning: Bool {
        process.isRunning
    }

    /// Returns a new client for this server.
    package func client() -> HTTPClient {
        HTTPClient(port: port)
    }

    /// Waits until the log contains `text`; returns false if `timeout` passes first.
    package func waitForLog(containing text: String, timeout: Duration = .seconds(5)) -> Bool {
        Deadline(after: timeout).poll { self.log.contains(text) }
    }

    /// Sends `signal`, then waits for the exit as ``waitForExit(timeout:)`` does.
    package func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(20)) throws -> ProcessExit {
        send(signal: signal)
        return try waitForExit(timeout: timeout)
    }

    /// Sends `signal` to the process if it still runs, without waiting.
    package func send(signal: Int32) {
        if process.isRunning {
            kill(process.processIdentifier, signal)
        }
    }

    /// Waits up to `timeout` for the process to exit, then for its output to end.
    ///
    /// - Throws: ``TestSetupError`` when the process is still running at the deadline; it is then
    ///   killed with SIGKILL.
    package func waitForExit(timeout: Duration = .seconds(20)) throws -> ProcessExit {
        let running = process
        guard Deadline(after: timeout).poll({ !running.isRunning }) else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw TestSetupError("scimd serve did not exit within \(timeout)")
        }
        process.waitUntilExit()
        standardError.waitUntilFinished(timeout: .seconds(5))
        standardOutput.waitUntilFinished(timeout: .seconds(5))
        return ProcessExit(process)
    }

    /// Returns the port in the first `scimd.listen=127.0.0.1:PORT` of `log`, if any.
    static func listenPort(in log: String) -> Int? {
        let marker = "scimd.listen=127.0.0.1:"
        guard let range = log.range(of: marker) else { return nil }
        let rest = log[range.upperBound...]
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        // A port is complete only once another character follows it, so a half-written line is skipped.
        guard digits.count < rest.count, let port = Int(digits), port > 0, port < 65_536 else { return nil }
        return port
    }
}
