import Foundation
import SCIMCore
import SCIMSQLite
import Synchronization
import Testing

/// Concurrent writes that the store commits together: each applies completely or not at all.
extension SQLiteStoreTests {
    @Test func concurrentWritesThatThrowLeaveNothingBehind() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try Self.insertTeam("alpha", userCount: 0, in: store)
        let threadCount = 40
        let results = Mutex<[Int: Bool]>([:])
        let start = DispatchSemaphore(value: 0)
        let finished = DispatchGroup()

        for number in 1...threadCount {
            finished.enter()
            let thread = Thread {
                defer { finished.leave() }
                start.wait()
                var user = Self.makeUser(number, teamID: team.id)
                user.userName = "writer\(number)@example.com"
                do {
                    // Odd writers throw after inserting, so their row must vanish with their savepoint.
                    try store.write { (transaction) throws(SCIMError) in
                        try transaction.insertUser(user)
                        if number % 2 == 1 { throw SCIMError.invalidValue("writer \(number) gives up") }
                    }
                    results.withLock { $0[number] = true }
                } catch {
                    results.withLock { $0[number] = false }
                }
            }
            thread.start()
        }
        for _ in 1...threadCount { start.signal() }
        let waited = finished.wait(timeout: .now() + 120)

        #expect(waited == .success)
        let outcomes = results.withLock { $0 }
        #expect(outcomes.count == threadCount)
        #expect(outcomes.filter(\.value).keys.sorted() == Array(stride(from: 2, through: threadCount, by: 2)))
        let page = try store.read { try $0.users(teamID: team.id, matching: UserQuery(), startIndex: 1, count: 100) }
        #expect(page.totalResults == threadCount / 2)
        #expect(
            Set(page.users.map(\.userName))
                == Set(stride(from: 2, through: threadCount, by: 2).map { "writer\($0)@example.com" }))
    }

    @Test func concurrentDuplicateWritesCommitExactlyOne() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try Self.insertTeam("alpha", userCount: 0, in: store)
        let threadCount = 20
        let successes = Atomic<Int>(0)
        let uniquenessFailures = Atomic<Int>(0)
        let start = DispatchSemaphore(value: 0)
        let finished = DispatchGroup()

        for number in 1...threadCount {
            finished.enter()
            let thread = Thread {
                defer { finished.leave() }
                start.wait()
                var user = Self.makeUser(number, teamID: team.id)
                user.userName = "same@example.com"
                do {
                    try store.write { (transaction) throws(SCIMError) in try transaction.insertUser(user) }
                    successes.add(1, ordering: .relaxed)
                } catch let error as SCIMError where error.scimType == .uniqueness {
                    uniquenessFailures.add(1, ordering: .relaxed)
                } catch {
                    Issue.record("writer \(number) failed unexpectedly: \(error)")
                }
            }
            thread.start()
        }
        for _ in 1...threadCount { start.signal() }
        let waited = finished.wait(timeout: .now() + 120)

        #expect(waited == .success)
        #expect(successes.load(ordering: .relaxed) == 1)
        #expect(uniquenessFailures.load(ordering: .relaxed) == threadCount - 1)
        let page = try store.read { try $0.users(teamID: team.id, matching: UserQuery(), startIndex: 1, count: 100) }
        #expect(page.totalResults == 1)
    }
}
