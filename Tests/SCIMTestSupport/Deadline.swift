import Foundation

/// A point in time after which a bounded wait gives up.
package struct Deadline: Sendable {
    private let instant: ContinuousClock.Instant

    /// Creates a deadline `duration` from now.
    package init(after duration: Duration) {
        instant = ContinuousClock.now + duration
    }

    /// Whether the deadline has passed.
    package var hasPassed: Bool {
        ContinuousClock.now >= instant
    }

    /// Calls `condition` every 10 ms until it returns true (then returns true) or the deadline
    /// passes (then returns false). It blocks the calling thread.
    package func poll(_ condition: () -> Bool) -> Bool {
        while true {
            if condition() { return true }
            if hasPassed { return false }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }
}
