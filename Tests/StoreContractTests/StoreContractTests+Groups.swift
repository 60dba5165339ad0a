import Dispatch
import Foundation
import SCIMCore
import Synchronization
import Testing

extension StoreContractTests {
    // MARK: - Groups

    @Test(arguments: StoreKind.available)
    func groupDisplayNameIsUniquePerTeamWithoutCase(kind: StoreKind) throws {
        let store = try ContractStore(kind)
        let alpha = try F.insertTeam("alpha", userCount: 0, groupCount: 2, in: store)
        let beta = try F.insertTeam("beta", userCount: 0, in: store)
        var duplicate = F.makeGroup(3, teamID: alpha.id)
        duplicate.displayName = "GROUP 1"
        var otherTeam = F.makeGroup(1, teamID: beta.id)
        otherTeam.displayName = "group 1"
        var renamed = F.makeGroup(2, teamID: alpha.id)
        renamed.displayName = "group 1"

        let insertError = #expect(throws: SCIMError.self) { try store.writing { try $0.insertGroup(duplicate) } }
        let updateError = #expect(throws: SCIMError.self) { try store.writing { try $0.updateGroup(renamed) } }
        try store.writing { try $0.insertGroup(otherTeam) }

        #expect(insertError?.scimType == .uniqueness)
        #expect(updateError?.scimType == .uniqueness)
        #expect(
            try store.reading { try $0.group(teamID: alpha.id, displayName: "gRoUp 1") }?.id
                == F.groupID(1, teamID: alpha.id))
        #expect(try store.reading { try $0.group(teamID: beta.id, displayName: "GROUP 1") } == otherTeam)
        #expect(
            try store.reading { try $0.group(id: F.groupID(2, teamID: alpha.id)) } == F.makeGroup(2, teamID: alpha.id))
    }

    @Test(arguments: StoreKind.available)
    func groupFiltersMatchExactCaseAndPage(kind: StoreKind) throws {
        let store = try ContractStore(kind)
        let team = try F.insertTeam("alpha", userCount: 2, groupCount: 5, in: store)
        let user = F.userID(1, teamID: team.id)
        try store.writing { transaction in
            for number in [2, 3, 5] {
                var group = try #require(try transaction.group(id: F.groupID(number, teamID: team.id)))
                group.externalID = "ext"
                try transaction.updateGroup(group)
                _ = try transaction.addMembers(groupID: group.id, [GroupMember(userID: user)])
            }
            try transaction.deleteGroup(id: F.groupID(3, teamID: team.id))
        }
        func list(_ query: GroupQuery, startIndex: Int = 1, count: Int = 10) throws -> GroupPage {
            try store.reading { try $0.groups(teamID: team.id, matching: query, startIndex: startIndex, count: count) }
        }

        let all = try list(GroupQuery(), startIndex: 2, count: 2)
        let byName = try list(GroupQuery(displayName: "Group 4"))
        let byOtherCase = try list(GroupQuery(displayName: "group 4"))
        let byExternalID = try list(GroupQuery(externalID: "ext"), startIndex: 2)
        let byMember = try list(GroupQuery(memberUserID: user))
        let byMemberAndName = try list(GroupQuery(displayName: "Group 5", memberUserID: user))
        let byOtherMember = try list(GroupQuery(memberUserID: F.userID(2, teamID: team.id)))

        #expect(all.totalResults == 4)
        #expect(all.groups.map(\.id) == [2, 4].map { F.groupID($0, teamID: team.id) })
        #expect(byName.groups.map(\.id) == [F.groupID(4, teamID: team.id)])
        #expect(byOtherCase == GroupPage(totalResults: 0, groups: []))
        #expect(byExternalID.totalResults == 2)
        #expect(byExternalID.groups.map(\.id) == [F.groupID(5, teamID: team.id)])
        #expect(byMember.groups.map(\.id) == [2, 5].map { F.groupID($0, teamID: team.id) })
        #expect(byMemberAndName.totalResults == 1)
        #expect(byOtherMember == GroupPage(totalResults: 0, groups: []))
        #expect(try store.reading { try $0.groups(ofUser: user) }.map(\.id) == byMember.groups.map(\.id))
    }

    // MARK: - Memberships

    @Test(arguments: StoreKind.available)
    func addAndRemoveMembersCountOnlyChanges(kind: StoreKind) throws {
        let store = try ContractStore(kind)
        let team = try F.insertTeam("alpha", userCount: 4, groupCount: 2, in: store)
        let group = F.groupID(1, teamID: team.id)
        let other = F.groupID(2, teamID: team.id)
        let users = (1...4).map { F.userID($0, teamID: team.id) }
        func add(_ numbers: [Int], to groupID: String? = nil) throws -> Int {
            let members = numbers.map { GroupMember(userID: users[$0 - 1]) }
            return try store.writing { try $0.addMembers(groupID: groupID ?? group, members) }
        }
        func remove(_ ids: [String]) throws -> Int {
            try store.writing { try $0.removeMembers(groupID: group, userIDs: ids) }
        }

        #expect(try add([1, 2]) == 2)
        #expect(try add([2, 3]) == 1)
        #expect(try add([1]) == 0)
        #expect(try add([]) == 0)
        #expect(try add([4, 4]) == 1)
        #expect(try add([3], to: other) == 1)
        #expect(try store.reading { try $0.members(groupID: group) }.map(\.userID) == users)

        #expect(try remove([users[0], "missing"]) == 1)
        #expect(try remove([users[0]]) == 0)
        #expect(try remove([users[1], users[1]]) == 1)
        #expect(try remove([]) == 0)
        #expect(try store.writing { try $0.removeAllMembers(groupID: group) } == 2)
        #expect(try store.reading { try $0.members(groupID: group) } == [])
        #expect(try store.reading { try $0.members(groupID: other) }.map(\.userID) == [users[2]])
    }

    @Test(arguments: StoreKind.available)
    func membersKeepOrderAndDisplayFallsBackToUserName(kind: StoreKind) throws {
        let store = try ContractStore(kind)
        let team = try F.insertTeam("alpha", userCount: 4, groupCount: 1, in: store)
        let group = F.groupID(1, teamID: team.id)
        func member(_ number: Int, display: String? = nil) -> GroupMember {
            GroupMember(userID: F.userID(number, teamID: team.id), display: display, type: display.map { _ in "User" })
        }

        _ = try store.writing { try $0.addMembers(groupID: group, [member(3, display: "Three"), member(1)]) }
        _ = try store.writing { try $0.addMembers(groupID: group, [member(2)]) }
        _ = try store.writing { try $0.removeMembers(groupID: group, userIDs: [member(1).userID]) }
        _ = try store.writing { try $0.addMembers(groupID: group, [member(1), member(4)]) }

        let members = try store.reading { try $0.members(groupID: group) }
        let named = try store.reading {
            try $0.members(groupID: group, userIDs: [member(4).userID, "x", member(3).userID])
        }
        #expect(members.map(\.userID) == [3, 2, 1, 4].map { F.userID($0, teamID: team.id) })
        #expect(members.first == member(3, display: "Three"))
        #expect(members.last == GroupMember(userID: member(4).userID, display: "alpha.user4@example.com"))
        #expect(named.map(\.userID) == [member(4).userID, member(3).userID])
    }

    @Test(arguments: StoreKind.available)
    func deleteUserAndGroupRemoveMembershipsAndCounts(kind: StoreKind) throws {
        let store = try ContractStore(kind)
        let team = try F.insertTeam("alpha", userCount: 3, groupCount: 2, in: store)
        let group = F.groupID(1, teamID: team.id)
        _ = try store.writing {
            try $0.addMembers(groupID: group, (1...3).map { GroupMember(userID: F.userID($0, teamID: team.id)) })
        }

        try store.writing { try $0.deleteUser(id: F.userID(2, teamID: team.id)) }
        try store.writing { try $0.deleteGroup(id: F.groupID(2, teamID: team.id)) }
        try store.writing { try $0.deleteGroup(id: "missing") }

        #expect(
            try store.reading { try $0.members(groupID: group) }.map(\.userID)
                == [1, 3].map { F.userID($0, teamID: team.id) })
        #expect(
            try store.reading { try $0.users(teamID: team.id, matching: UserQuery(), startIndex: 1, count: 0) }
                .totalResults == 2)
        #expect(
            try store.reading { try $0.groups(teamID: team.id, matching: GroupQuery(), startIndex: 1, count: 0) }
                .totalResults == 1)
        #expect(
            try store.reading { try $0.users(ids: [F.userID(3, teamID: team.id), F.userID(2, teamID: team.id)]) }.count
                == 1)
    }

    @Test(arguments: StoreKind.available)
    func addMembersWithUnknownUserThrowsInternalFailure(kind: StoreKind) throws {
        let store = try ContractStore(kind)
        let team = try F.insertTeam("alpha", userCount: 1, groupCount: 1, in: store)

        let unknownUser = #expect(throws: SCIMError.self) {
            try store.writing {
                try $0.addMembers(groupID: F.groupID(1, teamID: team.id), [GroupMember(userID: "nobody")])
            }
        }
        let unknownGroup = #expect(throws: SCIMError.self) {
            try store.writing {
                try $0.addMembers(groupID: "nothing", [GroupMember(userID: F.userID(1, teamID: team.id))])
            }
        }

        #expect(unknownUser?.status == 500)
        #expect(unknownGroup?.status == 500)
    }

    // MARK: - Concurrency

    @Test(arguments: StoreKind.available)
    func fiftyConcurrentAddsAllTakeEffect(kind: StoreKind) throws {
        let store = try ContractStore(kind, poolSize: 8)
        let threadCount = 50
        let team = try F.insertTeam("alpha", userCount: threadCount, groupCount: 1, in: store)
        let group = F.groupID(1, teamID: team.id)
        let failures = Mutex<[String]>([])
        let added = Atomic<Int>(0)

        DispatchQueue.concurrentPerform(iterations: threadCount) { index in
            let member = GroupMember(userID: F.userID(index + 1, teamID: team.id))
            do {
                let count = try store.writing { transaction -> Int in
                    var current = try #require(try transaction.group(id: group))
                    let count = try transaction.addMembers(groupID: group, [member])
                    current.version += 1
                    try transaction.updateGroup(current)
                    return count
                }
                added.add(count, ordering: .relaxed)
            } catch {
                failures.withLock { $0.append("user \(index + 1): \(error)") }
            }
        }

        #expect(failures.withLock { $0 } == [])
        #expect(added.load(ordering: .relaxed) == threadCount)
        #expect(try store.reading { try $0.members(groupID: group) }.count == threadCount)
        #expect(try store.reading { try $0.group(id: group) }?.version == Int64(threadCount + 1))
    }

    @Test(arguments: StoreKind.available)
    func concurrentInsertsOfOneUserNameLetOneWin(kind: StoreKind) throws {
        let store = try ContractStore(kind, poolSize: 8)
        let team = try F.insertTeam("alpha", userCount: 0, in: store)
        let outcomes = Mutex<[Int]>([])

        DispatchQueue.concurrentPerform(iterations: 8) { index in
            var user = F.makeUser(index + 1, teamID: team.id)
            user.userName = index.isMultiple(of: 2) ? "same@example.com" : "SAME@example.com"
            do {
                try store.writing { try $0.insertUser(user) }
                outcomes.withLock { $0.append(201) }
            } catch let error as SCIMError {
                outcomes.withLock { $0.append(error.status) }
            } catch {
                outcomes.withLock { $0.append(-1) }
            }
        }

        #expect(outcomes.withLock { $0.sorted() } == [201] + Array(repeating: 409, count: 7))
        let page = try store.reading { try $0.users(teamID: team.id, matching: UserQuery(), startIndex: 1, count: 10) }
        #expect(page.totalResults == 1)
        #expect(page.users.count == 1)
    }
}
