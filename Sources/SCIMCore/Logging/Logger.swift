import Foundation
import Synchronization

/// A structured logger: one line per event, `TIME LEVEL LABEL: MESSAGE key=value ...`, keys sorted.
///
/// Loggers are values passed down as parameters; ``with(_:_:)`` adds metadata such as
/// `scim.request.id`. Values are written as given, so callers must never pass secrets, query strings or
/// bodies; ``redacted`` stands in for a value that must not appear.
package struct Logger: Sendable {
    /// The seven levels of swift-log, lowest first.
    package enum Level: String, Sendable, Comparable, CaseIterable {
        case trace, debug, info, notice, warning, error, critical

        package static func < (lhs: Level, rhs: Level) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// The text written in place of a secret value.
    package static let redacted = "***"

    package let label: String
    package let minimumLevel: Level
    private let sink: any LogSink
    private var metadata: [String: String]

    package init(label: String, minimumLevel: Level = .info, sink: any LogSink = StandardErrorSink.shared) {
        self.label = label
        self.minimumLevel = minimumLevel
        self.sink = sink
        self.metadata = [:]
    }

    /// Returns a logger that adds `key=value` to every line.
    package func with(_ key: String, _ value: String) -> Logger {
        var copy = self
        copy.metadata[key] = value
        return copy
    }

    /// Returns a logger with another label and the same metadata and level.
    package func labelled(_ label: String) -> Logger {
        var copy = Logger(label: label, minimumLevel: minimumLevel, sink: sink)
        copy.metadata = metadata
        return copy
    }

    package func isEnabled(_ level: Level) -> Bool {
        level >= minimumLevel
    }

    /// Writes one line when `level` is at or above the minimum level.
    package func log(_ level: Level, _ message: @autoclosure () -> String, _ extra: [String: String] = [:]) {
        guard level >= minimumLevel else { return }
        let merged = metadata.merging(extra) { _, new in new }
        var line = Timestamp.format(milliseconds: Timestamp.nowMilliseconds())
        line += " \(level.rawValue) \(label): \(message())"
        for key in merged.keys.sorted() {
            line += " \(key)=\(Self.quoteIfNeeded(merged[key] ?? ""))"
        }
        sink.write(line + "\n")
    }

    package func trace(_ message: @autoclosure () -> String, _ extra: [String: String] = [:]) {
        log(.trace, message(), extra)
    }

    package func debug(_ message: @autoclosure () -> String, _ extra: [String: String] = [:]) {
        log(.debug, message(), extra)
    }

    package func info(_ message: @autoclosure () -> String, _ extra: [String: String] = [:]) {
        log(.info, message(), extra)
    }

    package func warning(_ message: @autoclosure () -> String, _ extra: [String: String] = [:]) {
        log(.warning, message(), extra)
    }

    package func error(_ message: @autoclosure () -> String, _ extra: [String: String] = [:]) {
        log(.error, message(), extra)
    }

    /// Quotes a value that contains spaces, quotes or control characters, so one event stays one line.
    private static func quoteIfNeeded(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.unicodeScalars.contains { $0 == " " || $0 == "\"" || $0.value < 0x20 }
        guard needsQuotes else { return value }
        var quoted = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            default: quoted += scalar.value < 0x20 ? "?" : String(scalar)
            }
        }
        return quoted + "\""
    }
}

/// A destination for log lines.
package protocol LogSink: Sendable {
    func write(_ line: String)
}

/// Writes log lines to standard error, one `write` call per line so lines from threads never mix.
package final class StandardErrorSink: LogSink {
    package static let shared = StandardErrorSink()
    private let lock = Mutex(())

    package func write(_ line: String) {
        lock.withLock { _ in
            FileHandle.standardError.write(Data(line.utf8))
        }
    }
}

/// Keeps log lines in memory, for tests.
package final class MemoryLogSink: LogSink {
    private let storage = Mutex<[String]>([])

    package init() {}

    package func write(_ line: String) {
        storage.withLock { $0.append(line) }
    }

    package var lines: [String] {
        storage.withLock { $0 }
    }
}
