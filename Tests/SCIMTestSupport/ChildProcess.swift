package import Foundation

/// How a child process ended.
package enum ProcessExit: Equatable, Sendable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)

    init(_ process: Process) {
        switch process.terminationReason {
        case .exit: self = .exited(process.terminationStatus)
        case .uncaughtSignal: self = .signalled(process.terminationStatus)
        @unknown default: self = .exited(process.terminationStatus)
        }
    }

    package var description: String {
        switch self {
        case .exited(let code): "exit code \(code)"
        case .signalled(let signal): "killed by signal \(signal)"
        }
    }
}

/// The outcome of a command that ran to completion.
package struct CommandResult: Sendable, CustomStringConvertible {
    package let exit: ProcessExit
    package let stdout: String
    package let stderr: String

    /// The exit code, or -1 when a signal ended the command.
    package var exitCode: Int32 {
        if case .exited(let code) = exit { return code }
        return -1
    }

    /// The last non-empty line of standard output, trimmed of surrounding whitespace.
    package var lastLine: String? {
        stdout.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .last { !$0.isEmpty }
    }

    package var description: String {
        "\(exit); stdout: \(stdout.debugDescription); stderr: \(stderr.debugDescription)"
    }
}

/// Runs a child process with a bounded wait and collects its output.
package enum ChildProcess {
    /// Runs `executable` with `arguments` and waits at most `timeout` for it to exit.
    ///
    /// The child inherits this process's environment without any `SCIMD_` variable, plus
    /// `environment`. A child still running at the deadline is killed and the call throws.
    package static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String] = [:],
        directory: URL? = nil,
        timeout: Duration = .seconds(20)
    ) throws -> CommandResult {
        let process = try configured(executable, arguments, environment: environment, directory: directory)
        let stdoutPipe = Pipe()
        let stderrPipe = Pipe()
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        try process.run()
        let stdout = OutputCollector(reading: stdoutPipe)
        let stderr = OutputCollector(reading: stderrPipe)

        guard Deadline(after: timeout).poll({ !process.isRunning }) else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw TestSetupError("\(executable) \(arguments) did not exit within \(timeout); stderr: \(stderr.text)")
        }
        process.waitUntilExit()
        stdout.waitUntilFinished(timeout: .seconds(5))
        stderr.waitUntilFinished(timeout: .seconds(5))
        return CommandResult(exit: ProcessExit(process), stdout: stdout.text, stderr: stderr.text)
    }

    /// Returns a process for `executable` with a clean environment, not yet started.
    static func configured(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String],
        directory: URL?
    ) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var childEnvironment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SCIMD_") }
        childEnvironment.merge(environment) { _, new in new }
        process.environment = childEnvironment
        if let directory {
            process.currentDirectoryURL = directory
        }
        process.standardInput = FileHandle.nullDevice
        return process
    }
}
