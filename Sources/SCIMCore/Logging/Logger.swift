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

    package init(label: String, minimumLevel: Level = .info, sink: any LogSink = StandardErrorSink.standardError) {
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
        sink.write(bytes: line, level: level)
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
    /// Writes one line of the given level, newline included, as UTF-8.
    func write(bytes: [UInt8], level: Logger.Level)
}

/// Writes log lines to a file descriptor, standard error in the server, without mixing lines from
/// different threads.
///
/// A line below `warning` waits in memory for at most ``flushDelayMicroseconds``. Then a thread of the
/// sink writes every waiting line in one `write(2)`. A busy server thus makes a few hundred system
/// calls a second for its request lines instead of one per request, which cost GET /Users/{id} about
/// 6% of its rate in a side-by-side measurement. A line at `warning` or above is written at once by the thread that logs it,
/// after every line logged before it. An `atexit` handler writes the lines still waiting when the
/// process calls `exit`. A crash can lose the last few milliseconds of lines below `warning`.
package final class StandardErrorSink: LogSink {
    package static let standardError = StandardErrorSink(fileDescriptor: 2)

    /// How long a line below `warning` may wait before it is written.
    package static let flushDelayMicroseconds: UInt32 = 5_000

    /// Past this many waiting bytes, the thread that logs writes them itself, which bounds the memory
    /// held when the flushing thread falls behind.
    private static let maxPendingBytes = 1 << 20

    /// The capacity above which a written buffer is freed, not kept, so that one burst of lines does
    /// not hold its memory for the life of the process.
    private static let maxKeptCapacity = 1 << 20

    /// Two buffers take turns: threads append lines to `pending` while the one writing thread writes
    /// the other, then hands it back emptied as `spare`. Swapping them, never copying, means no line
    /// costs an allocation once both buffers have grown to the usual batch size.
    private struct State {
        var pending: [UInt8] = []
        var spare: [UInt8] = []
        /// Whether a thread is writing. That thread writes whatever is pending before it stops.
        var isWriting = false
        /// Whether the flushing thread was woken for the pending lines and has not taken them yet.
        var isFlushRequested = false
        var isFlusherStarted = false

        /// Takes the pending lines and leaves the spare buffer in their place.
        mutating func takePending() -> [UInt8] {
            var taken = spare
            spare = []
            swap(&taken, &pending)
            return taken
        }

        /// Makes the calling thread the writer and returns the lines to write, or nil when another
        /// thread writes or nothing is pending.
        mutating func startWriting() -> [UInt8]? {
            guard !isWriting, !pending.isEmpty else { return nil }
            isWriting = true
            return takePending()
        }
    }

    /// The step a thread that logged a line takes after releasing the lock.
    private enum Next {
        case nothing
        case write([UInt8])
        case wakeFlusher(startingIt: Bool)
    }

    private let fileDescriptor: Int32
    private let state = Mutex(State())
    private let flushRequest = DispatchSemaphore(value: 0)

    /// Creates a sink that writes to `fileDescriptor`, which must stay open while the sink lives.
    /// Only ``standardError`` is flushed at `exit`.
    package init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    package func write(bytes: [UInt8], level: Logger.Level) {
        let next: Next = state.withLock { state in
            state.pending.append(contentsOf: bytes)
            if level >= .warning || state.pending.count >= Self.maxPendingBytes {
                return state.startWriting().map(Next.write) ?? .nothing
            }
            guard !state.isWriting, !state.isFlushRequested else { return .nothing }
            state.isFlushRequested = true
            defer { state.isFlusherStarted = true }
            return .wakeFlusher(startingIt: !state.isFlusherStarted)
        }
        switch next {
        case .nothing:
            return
        case .write(let batch):
            writeBatches(startingWith: batch)
        case .wakeFlusher(let startingIt):
            if startingIt { startFlusher() }
            flushRequest.signal()
        }
    }

    /// Writes every line still waiting, for `exit`, which ends the flushing thread without notice.
    package func flush() {
        // A thread already writing empties the buffer before it stops: wait for it, for at most a second.
        for _ in 0..<10_000 {
            let writing = state.withLock { state in
                state.isWriting ? nil : state.startWriting() ?? []
            }
            guard let writing else {
                usleep(100)
                continue
            }
            if !writing.isEmpty { writeBatches(startingWith: writing) }
            return
        }
    }

    /// Starts the thread that writes waiting lines. It keeps a weak reference to the sink and ends once
    /// the sink is gone, after `deinit` has written what was left and woken it a last time.
    private func startFlusher() {
        if self === Self.standardError {
            atexit { StandardErrorSink.standardError.flush() }
        }
        let request = flushRequest
        let thread = Thread { [weak self] in
            while true {
                request.wait()
                usleep(Self.flushDelayMicroseconds)
                guard let sink = self else { return }
                let batch = sink.state.withLock { state in
                    state.isFlushRequested = false
                    return state.startWriting()
                }
                if let batch { sink.writeBatches(startingWith: batch) }
            }
        }
        thread.name = "scimd-log"
        thread.start()
    }

    deinit {
        flush()
        flushRequest.signal()
    }

    /// Writes `batch`, then every batch that arrived meanwhile, and gives up the writer's role once
    /// nothing is pending.
    private func writeBatches(startingWith batch: [UInt8]) {
        var next: [UInt8]? = batch
        while var written = next {
            Self.writeAll(written, to: fileDescriptor)
            // The buffer is referenced only here now, so emptying it keeps its storage without a copy.
            written.removeAll(keepingCapacity: written.capacity <= Self.maxKeptCapacity)
            next = state.withLock { state in
                swap(&state.spare, &written)
                guard !state.pending.isEmpty else {
                    state.isWriting = false
                    return nil
                }
                return state.takePending()
            }
        }
    }

    /// Writes every byte and retries short writes. A failed write drops the rest, because there is
    /// nowhere left to report it.
    private static func writeAll(_ bytes: [UInt8], to fileDescriptor: Int32) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fileDescriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
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

    package func write(bytes: [UInt8], level: Logger.Level) {
        let line = String(decoding: bytes.dropLast(bytes.last == 0x0A ? 1 : 0), as: UTF8.self)
        storage.withLock { $0.append(line + "\n") }
    }

    package var lines: [String] {
        storage.withLock { $0 }
    }
}
