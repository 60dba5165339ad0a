import Foundation
import Glibc
import Synchronization

/// A structured logger: one line per event, `TIME LEVEL LABEL: MESSAGE key=value ...`, keys sorted.
///
/// Loggers are values passed down as parameters; ``with(_:_:)`` adds metadata such as
/// `scim.request.id`. Values are written as given, so callers must never pass secrets, query strings or
/// bodies; ``redacted`` replaces a value that must not appear.
package struct Logger: Sendable {
    /// The seven levels of swift-log, lowest first.
    package enum Level: String, Sendable, Comparable, CaseIterable {
        case trace, debug, info, notice, warning, error, critical

        package static func < (lhs: Level, rhs: Level) -> Bool {
            lhs.rank < rhs.rank
        }

        private var rank: Int {
            switch self {
            case .trace: 0
            case .debug: 1
            case .info: 2
            case .notice: 3
            case .warning: 4
            case .error: 5
            case .critical: 6
            }
        }
    }

    /// The text written in place of a secret value.
    package static let redacted = "***"

    package let label: String
    package let minimumLevel: Level
    private let sink: any LogSink
    /// Metadata added with ``with(_:_:)``, sorted by key.
    private var metadata: [(key: String, value: String)]

    package init(label: String, minimumLevel: Level = .info, sink: any LogSink = StandardErrorSink.shared) {
        self.label = label
        self.minimumLevel = minimumLevel
        self.sink = sink
        self.metadata = []
    }

    /// Returns a logger that adds `key=value` to every line.
    package func with(_ key: String, _ value: String) -> Logger {
        var copy = self
        copy.metadata.removeAll { $0.key == key }
        let index = copy.metadata.firstIndex { $0.key > key } ?? copy.metadata.count
        copy.metadata.insert((key, value), at: index)
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
        var line: [UInt8] = []
        line.reserveCapacity(256)
        Timestamp.append(milliseconds: Timestamp.nowMilliseconds(), to: &line)
        line.append(0x20)
        line.append(contentsOf: level.rawValue.utf8)
        line.append(0x20)
        line.append(contentsOf: label.utf8)
        line.append(contentsOf: ": ".utf8)
        line.append(contentsOf: message().utf8)
        // Both lists are sorted by key, so one merge writes them in order; `extra` wins on equal keys.
        let added = extra.sorted { $0.key < $1.key }
        var stored = metadata[...]
        for pair in added {
            while let first = stored.first, first.key <= pair.key {
                if first.key != pair.key { Self.append(first.key, first.value, to: &line) }
                stored = stored.dropFirst()
            }
            Self.append(pair.key, pair.value, to: &line)
        }
        for pair in stored { Self.append(pair.key, pair.value, to: &line) }
        line.append(0x0A)
        sink.write(bytes: line)
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

    /// Appends ` key=value`, quoting a value that is empty or contains spaces, quotes or control
    /// characters, so one event stays one line.
    private static func append(_ key: String, _ value: String, to line: inout [UInt8]) {
        line.append(0x20)
        line.append(contentsOf: key.utf8)
        line.append(UInt8(ascii: "="))
        let needsQuotes = value.isEmpty || value.utf8.contains { $0 <= 0x20 || $0 == 0x22 || $0 == 0x7F }
        guard needsQuotes else {
            line.append(contentsOf: value.utf8)
            return
        }
        line.append(0x22)
        for byte in value.utf8 {
            switch byte {
            case 0x22: line.append(contentsOf: [0x5C, 0x22])
            case 0x5C: line.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: line.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x20: line.append(0x20)
            case 0..<0x20, 0x7F: line.append(UInt8(ascii: "?"))
            default: line.append(byte)
            }
        }
        line.append(0x22)
    }
}

/// A destination for log lines.
package protocol LogSink: Sendable {
    /// Writes one line, newline included, as UTF-8.
    func write(bytes: [UInt8])
}

/// Writes log lines to standard error without mixing lines from different threads.
///
/// A line is written at once when no other thread is writing. Lines that arrive during a write are
/// collected and go out together in the next `write(2)`, so a busy server makes fewer system calls
/// and a quiet one shows each line immediately.
package final class StandardErrorSink: LogSink {
    package static let shared = StandardErrorSink()

    /// Two buffers take turns: threads append lines to `pending` while the one writing thread writes
    /// the other, then hands it back emptied as `spare`. Swapping them, never copying, means no line
    /// costs an allocation once both buffers have grown to the usual batch size.
    private struct State {
        var pending: [UInt8] = []
        var spare: [UInt8] = []
        var isWriting = false

        /// Takes the pending lines and leaves the spare buffer in their place.
        mutating func takePending() -> [UInt8] {
            var taken = spare
            spare = []
            swap(&taken, &pending)
            return taken
        }
    }

    /// The capacity above which a written buffer is freed, not kept, so that one burst of lines does
    /// not hold its memory for the life of the process.
    private static let maxKeptCapacity = 1 << 20

    private let state = Mutex(State())

    package func write(bytes: [UInt8]) {
        var batch: [UInt8]? = state.withLock { state in
            state.pending.append(contentsOf: bytes)
            guard !state.isWriting else { return nil }
            state.isWriting = true
            return state.takePending()
        }
        while var written = batch {
            Self.writeAll(written)
            // The buffer is referenced only here now, so emptying it keeps its storage without a copy.
            written.removeAll(keepingCapacity: written.capacity <= Self.maxKeptCapacity)
            batch = state.withLock { state in
                swap(&state.spare, &written)
                guard !state.pending.isEmpty else {
                    state.isWriting = false
                    return nil
                }
                return state.takePending()
            }
        }
    }

    /// Writes every byte to file descriptor 2, retrying short writes; a failed write drops the rest,
    /// because there is nowhere left to report it.
    private static func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(2, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}

/// Keeps log lines in memory, for tests.
package final class MemoryLogSink: LogSink {
    private let storage = Mutex<[String]>([])

    package init() {}

    package func write(bytes: [UInt8]) {
        let line = String(decoding: bytes.dropLast(bytes.last == 0x0A ? 1 : 0), as: UTF8.self)
        storage.withLock { $0.append(line + "\n") }
    }

    package var lines: [String] {
        storage.withLock { $0 }
    }
}
