import SCIMCore
import Testing

struct RateLimiterTests {
    private let start: Int64 = 1_700_000_000_000

    @Test("Exactly the limit is admitted within one window", arguments: [1, 5, 180])
    func admitsLimit(limit: Int) {
        let limiter = RateLimiter(readsPerMinute: 0, writesPerMinute: limit)

        for offset in 0..<limit {
            #expect(limiter.admit(teamID: 1, bucket: .write, now: start + Int64(offset)) == .allowed)
        }
        let decision = limiter.admit(teamID: 1, bucket: .write, now: start + 1_000)

        #expect(decision == .limited(limit: limit, retryAfterSeconds: 59))
    }

    @Test(
        "Retry-After counts whole seconds until the oldest request leaves the window",
        arguments: [(Int64(0), 60), (1, 60), (999, 60), (1_000, 59), (30_500, 30), (59_000, 1), (59_999, 1)])
    func retryAfter(elapsed: Int64, seconds: Int) {
        let limiter = RateLimiter(readsPerMinute: 2, writesPerMinute: 0)
        _ = limiter.admit(teamID: 1, bucket: .read, now: start)
        _ = limiter.admit(teamID: 1, bucket: .read, now: start)

        let decision = limiter.admit(teamID: 1, bucket: .read, now: start + elapsed)

        #expect(decision == .limited(limit: 2, retryAfterSeconds: seconds))
    }

    @Test("Requests pass again once 60 seconds have passed")
    func windowSlides() {
        let limiter = RateLimiter(readsPerMinute: 0, writesPerMinute: 3)
        for offset: Int64 in [0, 10_000, 20_000] {
            _ = limiter.admit(teamID: 1, bucket: .write, now: start + offset)
        }

        #expect(limiter.admit(teamID: 1, bucket: .write, now: start + 59_999) != .allowed)
        #expect(limiter.admit(teamID: 1, bucket: .write, now: start + 60_000) == .allowed)
        #expect(limiter.admit(teamID: 1, bucket: .write, now: start + 60_001) != .allowed)
        #expect(limiter.admit(teamID: 1, bucket: .write, now: start + 70_000) == .allowed)
        #expect(limiter.admit(teamID: 1, bucket: .write, now: start + 80_000) == .allowed)
        #expect(limiter.admit(teamID: 1, bucket: .write, now: start + 80_001) != .allowed)
    }

    @Test("No 60-second window ever holds more than the limit")
    func slidingWindowInvariant() {
        let limit = 10
        let limiter = RateLimiter(readsPerMinute: limit, writesPerMinute: 0)
        var admitted: [Int64] = []

        for step in Int64(0)..<2_000 {
            let now = start + step * 97
            if limiter.admit(teamID: 1, bucket: .read, now: now) == .allowed { admitted.append(now) }
        }

        for (index, time) in admitted.enumerated() {
            let inWindow = admitted[index...].prefix { $0 < time + RateLimiter.windowMilliseconds }.count
            #expect(inWindow <= limit)
        }
        #expect(admitted.count > limit)
    }

    @Test("Rejected requests are not counted")
    func rejectionsDoNotCount() {
        let limiter = RateLimiter(readsPerMinute: 0, writesPerMinute: 1)
        _ = limiter.admit(teamID: 1, bucket: .write, now: start)

        for offset in Int64(1)..<100 {
            _ = limiter.admit(teamID: 1, bucket: .write, now: start + offset * 500)
        }

        #expect(limiter.admit(teamID: 1, bucket: .write, now: start + 60_000) == .allowed)
    }

    @Test("A limit of 0 or below turns the bucket's limit off", arguments: [0, -5])
    func zeroIsUnlimited(limit: Int) {
        let limiter = RateLimiter(readsPerMinute: limit, writesPerMinute: limit)

        for _ in 0..<10_000 {
            #expect(limiter.admit(teamID: 1, bucket: .read, now: start) == .allowed)
            #expect(limiter.admit(teamID: 1, bucket: .write, now: start) == .allowed)
        }
    }

    @Test("Reads and writes have separate buckets")
    func separateBuckets() {
        let limiter = RateLimiter(readsPerMinute: 2, writesPerMinute: 1)

        #expect(limiter.admit(teamID: 1, bucket: .write, now: start) == .allowed)
        #expect(limiter.admit(teamID: 1, bucket: .write, now: start) == .limited(limit: 1, retryAfterSeconds: 60))
        #expect(limiter.admit(teamID: 1, bucket: .read, now: start) == .allowed)
        #expect(limiter.admit(teamID: 1, bucket: .read, now: start) == .allowed)
        #expect(limiter.admit(teamID: 1, bucket: .read, now: start) == .limited(limit: 2, retryAfterSeconds: 60))
    }

    @Test("Teams have separate buckets")
    func separateTeams() {
        let limiter = RateLimiter(readsPerMinute: 0, writesPerMinute: 1)

        #expect(limiter.admit(teamID: 1, bucket: .write, now: start) == .allowed)
        #expect(limiter.admit(teamID: 2, bucket: .write, now: start) == .allowed)
        #expect(limiter.admit(teamID: 1, bucket: .write, now: start) != .allowed)
        #expect(limiter.admit(teamID: 3, bucket: .write, now: start) == .allowed)
    }

    @Test("Concurrent callers never exceed the limit")
    func concurrentCallers() async {
        let limiter = RateLimiter(readsPerMinute: 0, writesPerMinute: 50)
        let now = start

        let admitted = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    (0..<100).filter { _ in limiter.admit(teamID: 1, bucket: .write, now: now) == .allowed }.count
                }
            }
            return await group.reduce(0, +)
        }

        #expect(admitted == 50)
    }
}
