import Synchronization

/// Decides whether a team's request is within its per-minute limit, and counts it when it is.
///
/// ``RateLimiter`` counts in memory, for one node; a store shared by several nodes provides its own
/// implementation so that all nodes count together.
package protocol RequestRateLimiter: Sendable {
    /// Records a request at `now` (milliseconds) when it is within the limit.
    /// - Throws: `unavailable` or `internalFailure` when the shared count cannot be read.
    func admit(teamID: Int64, bucket: RateLimiter.Bucket, now: Int64) throws(SCIMError) -> RateLimiter.Decision
}

/// Counts each team's requests in a sliding 60-second window, separately for reads and writes.
///
/// For a limit of N it keeps the times of a team's last N accepted requests in a ring. A request is
/// rejected when the oldest of them is less than 60 seconds old, so no 60-second window ever holds
/// more than N accepted requests. Rejected requests are not recorded.
package final class RateLimiter: RequestRateLimiter {
    /// The two kinds of request that have separate limits.
    package enum Bucket: Sendable {
        case read
        case write
    }

    /// The outcome of one check.
    package enum Decision: Sendable, Equatable {
        case allowed
        /// Rejected; the limit that was reached and the whole seconds until a request would pass.
        case limited(limit: Int, retryAfterSeconds: Int)
    }

    package static let windowMilliseconds: Int64 = 60_000

    private struct Key: Hashable {
        let teamID: Int64
        let isWrite: Bool
    }

    private struct Ring {
        var times: [Int64]
        var next = 0
    }

    private let readLimit: Int
    private let writeLimit: Int
    private let rings = Mutex<[Key: Ring]>([:])

    /// Creates a limiter; a limit of 0 turns that bucket's limit off.
    package init(readsPerMinute: Int, writesPerMinute: Int) {
        self.readLimit = max(0, readsPerMinute)
        self.writeLimit = max(0, writesPerMinute)
    }

    /// Records a request at `now` (milliseconds) when it is within the limit.
    package func admit(teamID: Int64, bucket: Bucket, now: Int64) -> Decision {
        let limit = bucket == .write ? writeLimit : readLimit
        guard limit > 0 else { return .allowed }
        let key = Key(teamID: teamID, isWrite: bucket == .write)
        return rings.withLock { rings in
            var ring = rings[key] ?? Ring(times: [])
            if ring.times.count < limit {
                ring.times.append(now)
                rings[key] = ring
                return .allowed
            }
            let oldest = ring.times[ring.next]
            let age = now - oldest
            guard age >= Self.windowMilliseconds else {
                let waitMilliseconds = Self.windowMilliseconds - age
                return .limited(limit: limit, retryAfterSeconds: Int((waitMilliseconds + 999) / 1000))
            }
            ring.times[ring.next] = now
            ring.next = (ring.next + 1) % limit
            rings[key] = ring
            return .allowed
        }
    }
}
