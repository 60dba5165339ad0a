import Dispatch
import Foundation
import Synchronization

/// A fixed set of threads for work that waits more than it computes, such as a request whose
/// durable commit waits for the disk.
///
/// libmicrohttpd's event threads are as many as the cores. A write that blocked one of them for a
/// whole fsync would leave a core idle and let at most that many writes share one group commit.
/// Handing such requests to this pool keeps the event threads serving while commits wait, and lets
/// every waiting write join the next commit.
final class BlockingWorkPool: Sendable {
    private struct State {
        var jobs: [@Sendable () -> Void] = []
        /// Jobs submitted and not yet finished, queued or running.
        var unfinished = 0
        var isStopping = false
    }

    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    private let threadCount: Int

    /// Starts `threadCount` threads, at least one, that run submitted jobs in submission order.
    init(threadCount: Int, label: String) {
        self.threadCount = max(threadCount, 1)
        for index in 0..<self.threadCount {
            let thread = Thread { [self] in runJobs() }
            thread.name = "\(label)-\(index)"
            thread.start()
        }
    }

    /// Queues `job` for the next idle thread.
    func submit(_ job: @escaping @Sendable () -> Void) {
        state.withLock { state in
            state.jobs.append(job)
            state.unfinished += 1
        }
        available.signal()
    }

    /// Waits until every submitted job has finished, polling every 2 ms.
    func waitUntilIdle() {
        while state.withLock({ $0.unfinished }) > 0 {
            usleep(2_000)
        }
    }

    /// Lets every thread end once the queued jobs have run. Jobs submitted later never run.
    func stop() {
        state.withLock { $0.isStopping = true }
        for _ in 0..<threadCount { available.signal() }
    }

    private func runJobs() {
        while true {
            available.wait()
            let next = state.withLock { state -> (job: (@Sendable () -> Void)?, exits: Bool) in
                guard state.jobs.isEmpty else { return (state.jobs.removeFirst(), false) }
                return (nil, state.isStopping)
            }
            if next.exits { return }
            guard let job = next.job else { continue }
            job()
            state.withLock { $0.unfinished -= 1 }
        }
    }
}
