import Foundation
import Synchronization

/// Collects everything a child process writes to one pipe, on a background thread.
///
/// The collector reads from its own duplicate of the pipe's descriptor, so the pipe object may go
/// away first. It stops at end of file, which comes when the child and everything it started exit.
package final class OutputCollector: Sendable {
    private struct State {
        var bytes: [UInt8] = []
        var finished = false
    }

    private let state = Mutex(State())

    /// Starts collecting from the read end of `pipe`.
    init(reading pipe: Pipe) {
        let descriptor = dup(pipe.fileHandleForReading.fileDescriptor)
        let thread = Thread { [self] in
            self.collect(from: descriptor)
        }
        thread.start()
    }

    /// The bytes collected so far.
    package var bytes: [UInt8] {
        state.withLock { $0.bytes }
    }

    /// The output collected so far, decoded as UTF-8 with invalid bytes replaced.
    package var text: String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// Whether the pipe reached end of file.
    package var isFinished: Bool {
        state.withLock { $0.finished }
    }

    /// Waits until the pipe reaches end of file; returns false if `timeout` passes first.
    @discardableResult
    package func waitUntilFinished(timeout: Duration) -> Bool {
        Deadline(after: timeout).poll { self.isFinished }
    }

    private func collect(from descriptor: Int32) {
        defer { state.withLock { $0.finished = true } }
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }

        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return }
            state.withLock { $0.bytes.append(contentsOf: chunk[0..<count]) }
        }
    }
}
