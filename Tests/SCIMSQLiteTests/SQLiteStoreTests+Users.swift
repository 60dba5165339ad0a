import Foundation
import SCIMCore
import SCIMSQLite
import Synchronization
import Testing

extension SQLiteStoreTests {
    // MARK: - Users

    @Test func insertedUserRoundTripsEveryField() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try store.write { try $0.insertTeam(name: "alpha", domains: [], now: Self.now) }
        var user = Self.makeUser(1, teamID: team.id, active: false)
        user.role = .admin
        user.version = 7
        user.extraAttributes = JSONObject([
            ("displayName", .string("Zoë \u{1F600}")),
            ("emails", .array([.object(JSONObject([("value", .string("z@example.com")), ("primary", .bool(true))]))])),
            ("nickName", .null),
            ("score", .integer(-3)),
        ])

        try store.write { try $0.insertUser(user) }

        #expect(try store.read { try $0.user(id: user.id) } == user)
    }

    @Test func emptyTextSurvivesAsEmptyNotNull() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try store.write { try $0.insertTeam(name: "", domains: [""], now: Self.now) }
        var user = Self.makeUser(1, teamID: team.id)
        user.givenName = ""

        try store.write { try $0.insertUser(user) }

        #expect(try store.read { try $0.team(named: "") } == team)
        #expect(try store.read { try $0.user(id: user.id) }?.givenName == "")
    }

    @Test func userNameLookupIgnoresCase() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try store.write { try $0.insertTeam(name: "alpha", domains: [], now: Self.now) }
        var user = Self.makeUser(1, teamID: team.id)
        user.userName = "Ünïcode.Person@Example.COM"
        try store.write { try $0.insertUser(user) }

        let found = try store.read { try $0.user(userName: "ünïcode.person@example.com") }
        let missing = try store.read { try $0.user(userName: "someone@example.com") }

        #expect(found == user)
        #expect(missing == nil)
    }

    @Test func userNameTakenInAnyTeamThrowsUniqueness() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let alpha = try store.write { try $0.insertTeam(name: "alpha", domains: [], now: Self.now) }
        let beta = try store.write { try $0.insertTeam(name: "beta", domains: [], now: Self.now) }
        var original = Self.makeUser(1, teamID: alpha.id)
        original.userName = "Alice@Example.com"
        try store.write { try $0.insertUser(original) }
        var duplicate = Self.makeUser(2, teamID: beta.id)
        duplicate.userName = "alice@example.COM"

        let error = #expect(throws: SCIMError.self) { try store.write { try $0.insertUser(duplicate) } }

        #expect(error?.status == 409)
        #expect(error?.scimType == .uniqueness)
        #expect(try store.read { try $0.user(id: duplicate.id) } == nil)
    }

    @Test func caughtUniquenessFailureKeepsCountersRight() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try store.write { try $0.insertTeam(name: "alpha", domains: [], now: Self.now) }
        try store.write { try $0.insertUser(Self.makeUser(1, teamID: team.id)) }
        var duplicate = Self.makeUser(2, teamID: team.id)
        duplicate.userName = "USER1@example.com"

        let caught = try store.write { transaction -> SCIMError? in
            var caught: SCIMError?
            do { try transaction.insertUser(duplicate) } catch { caught = error as? SCIMError }
            try transaction.insertUser(Self.makeUser(3, teamID: team.id))
            return caught
        }
        let page = try store.read { try $0.users(teamID: team.id, matching: UserQuery(), startIndex: 2, count: 10) }

        #expect(caught?.scimType == .uniqueness)
        #expect(page.totalResults == 2)
        #expect(page.users.map(\.id) == [Self.userID(3, teamID: team.id)])
    }

    @Test func updateUserStoresEveryField() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try store.write { try $0.insertTeam(name: "alpha", domains: [], now: Self.now) }
        let original = Self.makeUser(1, teamID: team.id)
        try store.write { try $0.insertUser(original) }
        var changed = original
        changed.userName = "USER1@example.com"
        changed.givenName = nil
        changed.familyName = "Changed"
        changed.externalID = nil
        changed.active = false
        changed.role = .admin
        changed.lastModified += 100
        changed.version += 1
        changed.extraAttributes = JSONObject([("title", .string("Lead"))])

        try store.write { try $0.updateUser(changed) }

        #expect(try store.read { try $0.user(id: original.id) } == changed)
        #expect(try store.read { try $0.user(userName: "user1@EXAMPLE.com") } == changed)
    }

    @Test func updateToTakenUserNameThrowsUniqueness() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try store.write { try $0.insertTeam(name: "alpha", domains: [], now: Self.now) }
        try store.write { transaction in
            try transaction.insertUser(Self.makeUser(1, teamID: team.id))
            try transaction.insertUser(Self.makeUser(2, teamID: team.id))
        }
        var renamed = Self.makeUser(2, teamID: team.id)
        renamed.userName = "User1@Example.com"

        let error = #expect(throws: SCIMError.self) { try store.write { try $0.updateUser(renamed) } }

        #expect(error?.scimType == .uniqueness)
        #expect(try store.read { try $0.user(id: renamed.id) }?.userName == "user2@example.com")
    }

    @Test func updateOfUnknownUserThrowsInternalFailure() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try store.write { try $0.insertTeam(name: "alpha", domains: [], now: Self.now) }

        let error = #expect(throws: SCIMError.self) {
            try store.write { try $0.updateUser(Self.makeUser(1, teamID: team.id)) }
        }

        #expect(error?.status == 500)
    }

    @Test func insertIntoUnknownTeamThrowsInternalFailure() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }

        let error = #expect(throws: SCIMError.self) {
            try store.write { try $0.insertUser(Self.makeUser(1, teamID: 42)) }
        }

        #expect(error?.status == 500)
    }

    // MARK: - Listing

    /// Inserts `count` users into a new team; every third user (3, 6, 9, ...) is inactive.
    private static func makeTeam(
        _ name: String, userCount: Int, in store: SQLiteStore
    ) throws -> TeamRecord {
        try store.write { transaction -> TeamRecord in
            let team = try transaction.insertTeam(name: name, domains: [], now: now)
            for number in 1...userCount {
                var user = makeUser(number, teamID: team.id, active: !number.isMultiple(of: 3))
                user.userName = "\(name).user\(number)@example.com"
                try transaction.insertUser(user)
            }
            return team
        }
    }

    @Test func unfilteredPagesAtStartAndEnd() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        _ = try Self.makeTeam("before", userCount: 7, in: store)
        let team = try Self.makeTeam("alpha", userCount: 3_000, in: store)
        _ = try Self.makeTeam("after", userCount: 7, in: store)
        let all = UserQuery()

        let start = try store.read { try $0.users(teamID: team.id, matching: all, startIndex: 1, count: 100) }
        let end = try store.read { try $0.users(teamID: team.id, matching: all, startIndex: 2_951, count: 100) }
        let past = try store.read { try $0.users(teamID: team.id, matching: all, startIndex: 3_001, count: 100) }
        let belowOne = try store.read { try $0.users(teamID: team.id, matching: all, startIndex: -5, count: 2) }
        let totalOnly = try store.read { try $0.users(teamID: team.id, matching: all, startIndex: 1, count: 0) }

        #expect(start.totalResults == 3_000)
        #expect(start.users.map(\.id) == (1...100).map { Self.userID($0, teamID: team.id) })
        #expect(end.totalResults == 3_000)
        #expect(end.users.map(\.id) == (2_951...3_000).map { Self.userID($0, teamID: team.id) })
        #expect(past == UserPage(totalResults: 3_000, users: []))
        #expect(belowOne.users.map(\.id) == [1, 2].map { Self.userID($0, teamID: team.id) })
        #expect(totalOnly == UserPage(totalResults: 3_000, users: []))
    }

    @Test func activeFilterCountsAndPages() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try Self.makeTeam("alpha", userCount: 3_000, in: store)
        _ = try Self.makeTeam("beta", userCount: 30, in: store)
        let active = UserQuery(active: true)
        let inactive = UserQuery(active: false)

        let activeEnd = try store.read { try $0.users(teamID: team.id, matching: active, startIndex: 1_999, count: 5) }
        let inactiveStart = try store.read {
            try $0.users(teamID: team.id, matching: inactive, startIndex: 1, count: 3)
        }
        let inactiveEnd = try store.read {
            try $0.users(teamID: team.id, matching: inactive, startIndex: 1_000, count: 5)
        }

        #expect(activeEnd.totalResults == 2_000)
        #expect(activeEnd.users.map(\.id) == [2_998, 2_999].map { Self.userID($0, teamID: team.id) })
        #expect(inactiveStart.totalResults == 1_000)
        #expect(inactiveStart.users.map(\.id) == [3, 6, 9].map { Self.userID($0, teamID: team.id) })
        #expect(inactiveEnd.users.map(\.id) == [Self.userID(3_000, teamID: team.id)])
    }

    @Test func activeCountFollowsUpdates() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try Self.makeTeam("alpha", userCount: 9, in: store)
        var first = try #require(try store.read { try $0.user(id: Self.userID(1, teamID: team.id)) })
        var third = try #require(try store.read { try $0.user(id: Self.userID(3, teamID: team.id)) })

        first.active = false
        third.active = true
        third.givenName = "Back"
        try store.write { try $0.updateUser(first) }
        try store.write { try $0.updateUser(third) }
        first.givenName = "Still inactive"
        try store.write { try $0.updateUser(first) }

        let active = try store.read {
            try $0.users(teamID: team.id, matching: UserQuery(active: true), startIndex: 1, count: 0)
        }
        let inactive = try store.read {
            try $0.users(teamID: team.id, matching: UserQuery(active: false), startIndex: 1, count: 10)
        }
        #expect(active.totalResults == 6)
        #expect(inactive.totalResults == 3)
        #expect(inactive.users.map(\.id) == [1, 6, 9].map { Self.userID($0, teamID: team.id) })
    }

    @Test func userNameFilterMatchesExactCase() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try Self.makeTeam("alpha", userCount: 6, in: store)
        let other = try Self.makeTeam("beta", userCount: 6, in: store)
        let name = "alpha.user3@example.com"

        let exact = try store.read {
            try $0.users(teamID: team.id, matching: UserQuery(userName: name), startIndex: 1, count: 10)
        }
        let otherCase = try store.read {
            try $0.users(teamID: team.id, matching: UserQuery(userName: name.uppercased()), startIndex: 1, count: 10)
        }
        let otherTeam = try store.read {
            try $0.users(teamID: other.id, matching: UserQuery(userName: name), startIndex: 1, count: 10)
        }
        let bothHold = try store.read {
            try $0.users(teamID: team.id, matching: UserQuery(userName: name, active: false), startIndex: 1, count: 10)
        }
        let oneFails = try store.read {
            try $0.users(teamID: team.id, matching: UserQuery(userName: name, active: true), startIndex: 1, count: 10)
        }
        let totalOnly = try store.read {
            try $0.users(teamID: team.id, matching: UserQuery(userName: name), startIndex: 1, count: 0)
        }
        let pastEnd = try store.read {
            try $0.users(teamID: team.id, matching: UserQuery(userName: name), startIndex: 2, count: 10)
        }

        #expect(exact.totalResults == 1)
        #expect(exact.users.map(\.id) == [Self.userID(3, teamID: team.id)])
        #expect(otherCase == UserPage(totalResults: 0, users: []))
        #expect(otherTeam == UserPage(totalResults: 0, users: []))
        #expect(bothHold.users.map(\.id) == [Self.userID(3, teamID: team.id)])
        #expect(oneFails == UserPage(totalResults: 0, users: []))
        #expect(totalOnly == UserPage(totalResults: 1, users: []))
        #expect(pastEnd == UserPage(totalResults: 1, users: []))
    }

    @Test func listingOfUnknownTeamIsEmpty() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }

        let page = try store.read { try $0.users(teamID: 99, matching: UserQuery(), startIndex: 1, count: 10) }

        #expect(page == UserPage(totalResults: 0, users: []))
    }

    // MARK: - Concurrency

    @Test func concurrentReadsAndWritesStayConsistent() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore(readerCount: 2)
        defer { store.close() }
        let team = try store.write { try $0.insertTeam(name: "alpha", domains: [], now: Self.now) }
        let writers = 4
        let usersPerWriter = 40
        let failures = Mutex<[String]>([])
        // Writes are serialised, so a counter read inside the write closure follows creation order.
        let clock = Atomic<Int64>(0)

        DispatchQueue.concurrentPerform(iterations: writers * 2) { worker in
            do {
                if worker < writers {
                    for step in 0..<usersPerWriter {
                        let number = worker * usersPerWriter + step + 1
                        try store.write { transaction in
                            var user = Self.makeUser(number, teamID: team.id)
                            user.created = clock.add(1, ordering: .relaxed).newValue
                            try transaction.insertUser(user)
                        }
                    }
                } else {
                    for _ in 0..<60 {
                        let page = try store.read {
                            try $0.users(teamID: team.id, matching: UserQuery(), startIndex: 1, count: 10_000)
                        }
                        // One snapshot: the counter and the rows agree, and the rows come in creation order.
                        let created = page.users.map(\.created)
                        let expected = (0..<Int64(created.count)).map { $0 + 1 }
                        if page.totalResults != created.count || created != expected {
                            failures.withLock { $0.append("total \(page.totalResults), created \(created)") }
                        }
                    }
                }
            } catch {
                failures.withLock { $0.append("worker \(worker): \(error)") }
            }
        }

        #expect(failures.withLock { $0 } == [])
        let final = try store.read { try $0.users(teamID: team.id, matching: UserQuery(), startIndex: 1, count: 1_000) }
        #expect(final.totalResults == writers * usersPerWriter)
        #expect(Set(final.users.map(\.id)).count == writers * usersPerWriter)
    }
}
