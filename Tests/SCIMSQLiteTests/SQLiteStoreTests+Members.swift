import Dispatch
import Foundation
import SCIMCore
import SCIMSQLite
import Synchronization
import Testing

extension SQLiteStoreTests {
    // MARK: - Memberships

    @Test func addAndRemoveMembersCountOnlyChanges() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try Self.insertTeam("alpha", userCount: 4, groupCount: 2, in: store)
        let group = Self.groupID(1, teamID: team.id)
        let other = Self.groupID(2, teamID: team.id)
        let users = (1...4).map { Self.userID($0, teamID: team.id) }
        func add(_ numbers: [Int], to groupID: String? = nil) throws -> Int {
            let members = numbers.map { GroupMember(userID: users[$0 - 1]) }
            return try store.write { try $0.addMembers(groupID: groupID ?? group, members) }
        }
        func remove(_ ids: [String]) throws -> Int {
            try store.write { try $0.removeMembers(groupID: group, userIDs: ids) }
        }

        #expect(try add([1, 2]) == 2)
        #expect(try add([2, 3]) == 1)
        #expect(try add([1]) == 0)
        #expect(try add([]) == 0)
        #expect(try add([4, 4]) == 1)
        #expect(try add([3], to: other) == 1)
        #expect(try store.read { try $0.members(groupID: group) }.map(\.userID) == users)

        #expect(try remove([users[0], "missing"]) == 1)
        #expect(try remove([users[0]]) == 0)
        #expect(try remove([users[1], users[1]]) == 1)
        #expect(try remove([]) == 0)
        #expect(try store.write { try $0.removeAllMembers(groupID: group) } == 2)
        #expect(try store.write { try $0.removeAllMembers(groupID: group) } == 0)
        #expect(try store.read { try $0.members(groupID: group) } == [])
        #expect(try store.read { try $0.members(groupID: other) }.map(\.userID) == [users[2]])
    }

    @Test func membersComeInInsertionOrder() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try Self.insertTeam("alpha", userCount: 4, groupCount: 1, in: store)
        let group = Self.groupID(1, teamID: team.id)
        func member(_ number: Int) -> GroupMember { GroupMember(userID: Self.userID(number, teamID: team.id)) }

        _ = try store.write { try $0.addMembers(groupID: group, [member(3), member(1)]) }
        _ = try store.write { try $0.addMembers(groupID: group, [member(2)]) }
        _ = try store.write { try $0.removeMembers(groupID: group, userIDs: [member(1).userID]) }
        // A member who leaves and comes back goes to the end.
        _ = try store.write { try $0.addMembers(groupID: group, [member(1), member(4)]) }

        let order = try store.read { try $0.members(groupID: group) }.map(\.userID)
        #expect(order == [3, 2, 1, 4].map { Self.userID($0, teamID: team.id) })
    }

    @Test func memberDisplayFallsBackToUserName() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try Self.insertTeam("alpha", userCount: 3, groupCount: 1, in: store)
        let group = Self.groupID(1, teamID: team.id)
        let ids = (1...3).map { Self.userID($0, teamID: team.id) }
        let sent = [
            GroupMember(userID: ids[0]),
            GroupMember(userID: ids[1], display: "Second Person", type: "User"),
            GroupMember(userID: ids[2], display: ""),
        ]
        _ = try store.write { try $0.addMembers(groupID: group, sent) }

        let before = try store.read { try $0.members(groupID: group) }
        let byID = try store.read { try $0.members(groupID: group, userIDs: [ids[0]]) }
        try store.write { transaction in
            var user = try #require(try transaction.user(id: ids[0]))
            user.userName = "renamed@example.com"
            try transaction.updateUser(user)
        }
        let after = try store.read { try $0.members(groupID: group) }

        #expect(before[0] == GroupMember(userID: ids[0], display: "alpha.user1@example.com"))
        #expect(before[1] == sent[1])
        #expect(before[2] == sent[2])
        #expect(byID == [before[0]])
        #expect(after[0].display == "renamed@example.com")
    }

    @Test func membersByUserIDReturnsOnlyMembers() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try Self.insertTeam("alpha", userCount: 4, groupCount: 2, in: store)
        let group = Self.groupID(1, teamID: team.id)
        let ids = (1...4).map { Self.userID($0, teamID: team.id) }
        try store.write { transaction in
            _ = try transaction.addMembers(groupID: group, [ids[0], ids[1], ids[2]].map { GroupMember(userID: $0) })
            _ = try transaction.addMembers(groupID: Self.groupID(2, teamID: team.id), [GroupMember(userID: ids[3])])
        }

        let found = try store.read {
            try $0.members(groupID: group, userIDs: [ids[2], "missing", ids[3], ids[0], ids[2]])
        }
        let none = try store.read { try $0.members(groupID: group, userIDs: []) }
        let unknownGroup = try store.read { try $0.members(groupID: "missing", userIDs: [ids[0]]) }

        #expect(found.map(\.userID) == [ids[2], ids[0]])
        #expect(none == [])
        #expect(unknownGroup == [])
    }

    @Test func addMembersToUnknownGroupThrowsInternalFailure() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try Self.insertTeam("alpha", userCount: 1, in: store)
        let member = GroupMember(userID: Self.userID(1, teamID: team.id))

        let error = #expect(throws: SCIMError.self) {
            try store.write { try $0.addMembers(groupID: "missing", [member]) }
        }

        #expect(error?.status == 500)
    }

    @Test func usersByIDSpanTeamsAndSkipUnknown() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let alpha = try Self.insertTeam("alpha", userCount: 2, in: store)
        let beta = try Self.insertTeam("beta", userCount: 2, in: store)
        let first = Self.userID(2, teamID: alpha.id)
        let second = Self.userID(1, teamID: beta.id)

        let found = try store.read { try $0.users(ids: [first, "missing", second, first]) }
        let none = try store.read { try $0.users(ids: []) }

        #expect(found.map(\.id) == [first, second])
        #expect(found.map(\.teamID) == [alpha.id, beta.id])
        #expect(found[0].userName == "alpha.user2@example.com")
        #expect(none == [])
    }

    @Test func rollbackLeavesMembershipsUntouched() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try Self.insertTeam("alpha", userCount: 3, groupCount: 1, in: store)
        let group = Self.groupID(1, teamID: team.id)
        let ids = (1...3).map { Self.userID($0, teamID: team.id) }
        _ = try store.write { try $0.addMembers(groupID: group, [ids[0], ids[1]].map { GroupMember(userID: $0) }) }
        let before = try store.read { try $0.members(groupID: group) }

        let error = #expect(throws: SCIMError.self) {
            try store.write { transaction in
                _ = try transaction.addMembers(groupID: group, [GroupMember(userID: ids[2])])
                _ = try transaction.removeMembers(groupID: group, userIDs: [ids[0]])
                _ = try transaction.removeAllMembers(groupID: group)
                throw ClosureFailure()
            }
        }
        let after = try store.read { try $0.members(groupID: group) }
        _ = try store.write { try $0.addMembers(groupID: group, [GroupMember(userID: ids[2])]) }

        #expect(error?.status == 500)
        #expect(after == before)
        #expect(try store.read { try $0.members(groupID: group) }.map(\.userID) == ids)
    }

    @Test func deleteUserRemovesMembershipsAndCounts() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try Self.insertTeam("alpha", userCount: 4, groupCount: 2, in: store)
        let ids = (1...4).map { Self.userID($0, teamID: team.id) }
        let groups = [Self.groupID(1, teamID: team.id), Self.groupID(2, teamID: team.id)]
        try store.write { transaction in
            var inactive = try #require(try transaction.user(id: ids[1]))
            inactive.active = false
            try transaction.updateUser(inactive)
            _ = try transaction.addMembers(groupID: groups[0], [ids[0], ids[1]].map { GroupMember(userID: $0) })
            _ = try transaction.addMembers(groupID: groups[1], [ids[2], ids[0]].map { GroupMember(userID: $0) })
        }
        func total(_ query: UserQuery) throws -> Int {
            try store.read { try $0.users(teamID: team.id, matching: query, startIndex: 1, count: 0) }.totalResults
        }

        try store.write { try $0.deleteUser(id: ids[0]) }

        #expect(try store.read { try $0.user(id: ids[0]) } == nil)
        #expect(try store.read { try $0.members(groupID: groups[0]) }.map(\.userID) == [ids[1]])
        #expect(try store.read { try $0.members(groupID: groups[1]) }.map(\.userID) == [ids[2]])
        #expect(try store.read { try $0.groups(ofUser: ids[0]) } == [])
        let raw = try database.openRawConnection()
        #expect(try raw.text("SELECT count(*) FROM group_members WHERE user_id = '\(ids[0])'") == "0")
        #expect(try total(UserQuery()) == 3)
        #expect(try total(UserQuery(active: true)) == 2)
        #expect(try total(UserQuery(active: false)) == 1)

        try store.write { try $0.deleteUser(id: ids[1]) }
        try store.write { try $0.deleteUser(id: "missing") }

        #expect(try total(UserQuery()) == 2)
        #expect(try total(UserQuery(active: true)) == 2)
        #expect(try total(UserQuery(active: false)) == 0)
        #expect(try store.read { try $0.members(groupID: groups[0]) } == [])
        // The deleted userName is free again.
        var again = Self.makeUser(9, teamID: team.id)
        again.userName = "ALPHA.user1@example.com"
        try store.write { try $0.insertUser(again) }
        #expect(try total(UserQuery()) == 3)
    }

    @Test func userPagesAfterDeletionSkipNoUser() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try Self.insertTeam("alpha", userCount: 10, in: store)
        try store.write { transaction in
            try transaction.deleteUser(id: Self.userID(3, teamID: team.id))
            try transaction.deleteUser(id: Self.userID(7, teamID: team.id))
        }
        var late = Self.makeUser(11, teamID: team.id)
        late.userName = "alpha.user11@example.com"
        try store.write { try $0.insertUser(late) }
        func page(_ startIndex: Int, active: Bool? = nil) throws -> UserPage {
            try store.read {
                try $0.users(teamID: team.id, matching: UserQuery(active: active), startIndex: startIndex, count: 3)
            }
        }

        let pages = try [1, 4, 7, 10].map { try page($0) }
        let activePage = try page(4, active: true)

        #expect(pages.map(\.totalResults) == [9, 9, 9, 9])
        #expect(pages[0].users.map(\.id) == [1, 2, 4].map { Self.userID($0, teamID: team.id) })
        #expect(pages[1].users.map(\.id) == [5, 6, 8].map { Self.userID($0, teamID: team.id) })
        #expect(pages[2].users.map(\.id) == [9, 10, 11].map { Self.userID($0, teamID: team.id) })
        #expect(pages[3].users == [])
        #expect(activePage.totalResults == 9)
        #expect(activePage.users.map(\.id) == pages[1].users.map(\.id))
    }

    // MARK: - Concurrency and size

    @Test func fiftyConcurrentAddsAllTakeEffect() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let threadCount = 50
        let team = try Self.insertTeam("alpha", userCount: threadCount, groupCount: 1, in: store)
        let group = Self.groupID(1, teamID: team.id)
        let outcomes = ThreadOutcomes()
        let start = DispatchSemaphore(value: 0)
        let finished = DispatchGroup()

        for number in 1...threadCount {
            finished.enter()
            let member = GroupMember(userID: Self.userID(number, teamID: team.id))
            let thread = Thread {
                defer { finished.leave() }
                start.wait()
                do {
                    let added = try store.write { try $0.addMembers(groupID: group, [member]) }
                    outcomes.added.add(added, ordering: .relaxed)
                } catch {
                    outcomes.failures.withLock { $0.append("user \(number): \(error)") }
                }
            }
            thread.start()
        }
        // Every thread waits on the semaphore, so the 50 writes are released together.
        for _ in 1...threadCount { start.signal() }
        let waited = finished.wait(timeout: .now() + 120)

        #expect(waited == .success)
        #expect(outcomes.failures.withLock { $0 } == [])
        #expect(outcomes.added.load(ordering: .relaxed) == threadCount)
        let members = try store.read { try $0.members(groupID: group) }
        #expect(members.count == threadCount)
        #expect(Set(members.map(\.userID)) == Set((1...threadCount).map { Self.userID($0, teamID: team.id) }))
    }

    @Test func groupOfTwentyThousandAddsAndFindsMembers() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let size = 20_000
        let team = try Self.insertTeam("alpha", userCount: size + 1, groupCount: 1, in: store)
        let group = Self.groupID(1, teamID: team.id)
        let members = (1...size).map { GroupMember(userID: Self.userID($0, teamID: team.id)) }
        let newcomer = GroupMember(userID: Self.userID(size + 1, teamID: team.id), display: "Newcomer")

        let initial = try store.write { try $0.addMembers(groupID: group, members) }
        let added = try store.write { try $0.addMembers(groupID: group, [newcomer, members[9_999]]) }
        let found = try store.read {
            try $0.members(groupID: group, userIDs: [newcomer.userID, members[9_999].userID, "missing"])
        }
        let all = try store.read { try $0.members(groupID: group) }

        #expect(initial == size)
        #expect(added == 1)
        #expect(found.count == 2)
        #expect(found.first == newcomer)
        #expect(found.last == GroupMember(userID: members[9_999].userID, display: "alpha.user10000@example.com"))
        #expect(all.count == size + 1)
        #expect(all.first?.userID == members[0].userID)
        #expect(all.last == newcomer)
    }
}

/// The results of the threads in a concurrency test, shared by reference because each thread's
/// closure escapes.
private final class ThreadOutcomes: Sendable {
    let failures = Mutex<[String]>([])
    let added = Atomic<Int>(0)
}

/// The error a test's write closure throws to force a rollback.
private struct ClosureFailure: Error {}
