import Foundation
import SCIMCore
import Testing

@testable import SCIMSQLite

extension SQLiteStoreTests {
    // MARK: - Groups

    @Test func insertedGroupRoundTripsEveryField() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try Self.insertTeam("alpha", userCount: 0, in: store)
        var withExternalID = Self.makeGroup(1, teamID: team.id)
        withExternalID.externalID = "ext-group-1"
        withExternalID.version = 4
        let withoutExternalID = Self.makeGroup(2, teamID: team.id)

        try store.write { try $0.insertGroup(withExternalID) }
        try store.write { try $0.insertGroup(withoutExternalID) }

        #expect(try store.read { try $0.group(id: withExternalID.id) } == withExternalID)
        #expect(try store.read { try $0.group(id: withoutExternalID.id) } == withoutExternalID)
        #expect(try store.read { try $0.group(id: "missing") } == nil)
    }

    @Test func groupDisplayNameLookupIgnoresCase() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try Self.insertTeam("alpha", userCount: 0, in: store)
        let other = try Self.insertTeam("beta", userCount: 0, in: store)
        var group = Self.makeGroup(1, teamID: team.id)
        group.displayName = "Ünïcode Admins"
        try store.write { try $0.insertGroup(group) }

        let found = try store.read { try $0.group(teamID: team.id, displayName: "üNÏCODE ADMINS") }
        let otherTeam = try store.read { try $0.group(teamID: other.id, displayName: "Ünïcode Admins") }
        let missing = try store.read { try $0.group(teamID: team.id, displayName: "Admins") }

        #expect(found == group)
        #expect(otherTeam == nil)
        #expect(missing == nil)
    }

    @Test func groupDisplayNameTakenInTeamThrowsUniqueness() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try Self.insertTeam("alpha", userCount: 0, in: store)
        var original = Self.makeGroup(1, teamID: team.id)
        original.displayName = "Admins"
        try store.write { try $0.insertGroup(original) }
        var duplicate = Self.makeGroup(2, teamID: team.id)
        duplicate.displayName = "ADMINS"

        let error = #expect(throws: SCIMError.self) { try store.write { try $0.insertGroup(duplicate) } }
        // A caught failure must leave the counters as they were when the transaction still commits.
        try store.write { transaction in
            _ = #expect(throws: SCIMError.self) { try transaction.insertGroup(duplicate) }
        }

        #expect(error?.status == 409)
        #expect(error?.scimType == .uniqueness)
        #expect(try store.read { try $0.group(id: duplicate.id) } == nil)
        let page = try store.read { try $0.groups(teamID: team.id, matching: GroupQuery(), startIndex: 1, count: 10) }
        #expect(page.totalResults == 1)
        #expect(page.groups == [original])
    }

    @Test func sameGroupDisplayNameAllowedInTwoTeams() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let alpha = try Self.insertTeam("alpha", userCount: 0, in: store)
        let beta = try Self.insertTeam("beta", userCount: 0, in: store)
        var first = Self.makeGroup(1, teamID: alpha.id)
        first.displayName = "Engineering"
        var second = Self.makeGroup(1, teamID: beta.id)
        second.displayName = "engineering"

        try store.write { try $0.insertGroup(first) }
        try store.write { try $0.insertGroup(second) }

        #expect(try store.read { try $0.group(teamID: alpha.id, displayName: "ENGINEERING") } == first)
        #expect(try store.read { try $0.group(teamID: beta.id, displayName: "ENGINEERING") } == second)
    }

    @Test func insertGroupIntoUnknownTeamThrowsInternalFailure() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }

        let error = #expect(throws: SCIMError.self) {
            try store.write { try $0.insertGroup(Self.makeGroup(1, teamID: 42)) }
        }

        #expect(error?.status == 500)
    }

    @Test func updateGroupStoresEveryField() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try Self.insertTeam("alpha", userCount: 2, in: store)
        var group = Self.makeGroup(1, teamID: team.id)
        try store.write { transaction in
            try transaction.insertGroup(group)
            _ = try transaction.addMembers(groupID: group.id, [GroupMember(userID: Self.userID(1, teamID: team.id))])
        }
        group.displayName = "Renamed"
        group.externalID = "ext-new"
        group.created += 10
        group.lastModified += 20
        group.version = 9

        try store.write { try $0.updateGroup(group) }

        #expect(try store.read { try $0.group(id: group.id) } == group)
        #expect(try store.read { try $0.group(teamID: team.id, displayName: "renamed") } == group)
        #expect(try store.read { try $0.group(teamID: team.id, displayName: "Group 1") } == nil)
        #expect(try store.read { try $0.members(groupID: group.id) }.map(\.userID) == [Self.userID(1, teamID: team.id)])
    }

    @Test func updateGroupToTakenNameThrowsUniqueness() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try Self.insertTeam("alpha", userCount: 0, in: store)
        let first = Self.makeGroup(1, teamID: team.id)
        var second = Self.makeGroup(2, teamID: team.id)
        try store.write { try $0.insertGroup(first) }
        try store.write { try $0.insertGroup(second) }
        second.displayName = first.displayName.uppercased()

        let error = #expect(throws: SCIMError.self) { try store.write { try $0.updateGroup(second) } }

        #expect(error?.status == 409)
        #expect(error?.scimType == .uniqueness)
        #expect(try store.read { try $0.group(id: second.id) }?.displayName == "Group 2")
    }

    @Test func updateOfUnknownGroupThrowsInternalFailure() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try Self.insertTeam("alpha", userCount: 0, in: store)

        let error = #expect(throws: SCIMError.self) {
            try store.write { try $0.updateGroup(Self.makeGroup(1, teamID: team.id)) }
        }

        #expect(error?.status == 500)
    }

    @Test func groupWritesInReadTransactionThrow() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try Self.insertTeam("alpha", userCount: 1, in: store)
        let group = Self.makeGroup(1, teamID: team.id)
        try store.write { try $0.insertGroup(group) }
        let member = GroupMember(userID: Self.userID(1, teamID: team.id))

        let insertError = #expect(throws: SCIMError.self) { try store.read { try $0.insertGroup(group) } }
        let addError = #expect(throws: SCIMError.self) {
            try store.read { try $0.addMembers(groupID: group.id, [member]) }
        }
        let deleteError = #expect(throws: SCIMError.self) { try store.read { try $0.deleteGroup(id: group.id) } }

        #expect(insertError?.status == 500)
        #expect(addError?.status == 500)
        #expect(deleteError?.status == 500)
    }

    @Test func deleteGroupRemovesMembershipsAndKeepsUsers() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try Self.insertTeam("alpha", userCount: 3, in: store)
        let doomed = Self.makeGroup(1, teamID: team.id)
        let remaining = Self.makeGroup(2, teamID: team.id)
        let members = (1...3).map { GroupMember(userID: Self.userID($0, teamID: team.id)) }
        try store.write { transaction in
            try transaction.insertGroup(doomed)
            try transaction.insertGroup(remaining)
            _ = try transaction.addMembers(groupID: doomed.id, members)
            _ = try transaction.addMembers(groupID: remaining.id, [members[0]])
        }

        try store.write { try $0.deleteGroup(id: doomed.id) }
        try store.write { try $0.deleteGroup(id: "missing") }

        #expect(try store.read { try $0.group(id: doomed.id) } == nil)
        #expect(try store.read { try $0.members(groupID: doomed.id) } == [])
        #expect(try store.read { try $0.users(ids: members.map(\.userID)) }.count == 3)
        #expect(try store.read { try $0.groups(ofUser: members[0].userID) } == [remaining])
        let raw = try database.openRawConnection()
        #expect(try raw.text("SELECT count(*) FROM group_members") == "1")
        let page = try store.read { try $0.groups(teamID: team.id, matching: GroupQuery(), startIndex: 1, count: 10) }
        #expect(page == GroupPage(totalResults: 1, groups: [remaining]))
        let users = try store.read { try $0.users(teamID: team.id, matching: UserQuery(), startIndex: 1, count: 0) }
        #expect(users.totalResults == 3)
    }

    // MARK: - Group listing

    @Test func unfilteredGroupPagesInCreationOrder() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        _ = try Self.insertTeam("before", userCount: 0, groupCount: 4, in: store)
        let team = try Self.insertTeam("alpha", userCount: 0, groupCount: 250, in: store)
        _ = try Self.insertTeam("after", userCount: 0, groupCount: 4, in: store)
        let all = GroupQuery()

        let start = try store.read { try $0.groups(teamID: team.id, matching: all, startIndex: 1, count: 100) }
        let end = try store.read { try $0.groups(teamID: team.id, matching: all, startIndex: 201, count: 100) }
        let past = try store.read { try $0.groups(teamID: team.id, matching: all, startIndex: 251, count: 100) }
        let belowOne = try store.read { try $0.groups(teamID: team.id, matching: all, startIndex: -5, count: 2) }
        let totalOnly = try store.read { try $0.groups(teamID: team.id, matching: all, startIndex: 1, count: 0) }
        let unknownTeam = try store.read { try $0.groups(teamID: 99, matching: all, startIndex: 1, count: 10) }

        #expect(start.totalResults == 250)
        #expect(start.groups.map(\.id) == (1...100).map { Self.groupID($0, teamID: team.id) })
        #expect(end.groups.map(\.id) == (201...250).map { Self.groupID($0, teamID: team.id) })
        #expect(past == GroupPage(totalResults: 250, groups: []))
        #expect(belowOne.groups.map(\.id) == [1, 2].map { Self.groupID($0, teamID: team.id) })
        #expect(totalOnly == GroupPage(totalResults: 250, groups: []))
        #expect(unknownTeam == GroupPage(totalResults: 0, groups: []))
    }

    @Test func groupPagesAfterDeletionSkipNoGroup() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try Self.insertTeam("alpha", userCount: 0, groupCount: 10, in: store)
        try store.write { transaction in
            try transaction.deleteGroup(id: Self.groupID(3, teamID: team.id))
            try transaction.deleteGroup(id: Self.groupID(7, teamID: team.id))
        }
        let all = GroupQuery()

        let pages = try (0..<4).map { page in
            try store.read { try $0.groups(teamID: team.id, matching: all, startIndex: page * 3 + 1, count: 3) }
        }

        #expect(pages.map(\.totalResults) == [8, 8, 8, 8])
        #expect(pages[0].groups.map(\.id) == [1, 2, 4].map { Self.groupID($0, teamID: team.id) })
        #expect(pages[1].groups.map(\.id) == [5, 6, 8].map { Self.groupID($0, teamID: team.id) })
        #expect(pages[2].groups.map(\.id) == [9, 10].map { Self.groupID($0, teamID: team.id) })
        #expect(pages[3].groups == [])
    }

    @Test func groupDisplayNameFilterMatchesExactCase() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try Self.insertTeam("alpha", userCount: 2, groupCount: 5, in: store)
        let other = try Self.insertTeam("beta", userCount: 0, groupCount: 5, in: store)
        let target = Self.groupID(3, teamID: team.id)
        let member = Self.userID(1, teamID: team.id)
        try store.write { transaction in
            var group = try #require(try transaction.group(id: target))
            group.externalID = "ext-3"
            try transaction.updateGroup(group)
            _ = try transaction.addMembers(groupID: target, [GroupMember(userID: member)])
        }
        let name = "Group 3"

        func list(_ query: GroupQuery, teamID: Int64? = nil, startIndex: Int = 1, count: Int = 10) throws -> GroupPage {
            try store.read { transaction in
                try transaction.groups(
                    teamID: teamID ?? team.id, matching: query, startIndex: startIndex, count: count)
            }
        }

        #expect(try list(GroupQuery(displayName: name)).groups.map(\.id) == [target])
        #expect(try list(GroupQuery(displayName: name)).totalResults == 1)
        #expect(try list(GroupQuery(displayName: "group 3")) == GroupPage(totalResults: 0, groups: []))
        let otherTeam = try list(GroupQuery(displayName: name), teamID: other.id)
        #expect(otherTeam.groups.map(\.id) == [Self.groupID(3, teamID: other.id)])
        #expect(try list(GroupQuery(displayName: name, externalID: "ext-3")).groups.map(\.id) == [target])
        #expect(try list(GroupQuery(displayName: name, externalID: "ext-4")) == GroupPage(totalResults: 0, groups: []))
        #expect(try list(GroupQuery(displayName: name, memberUserID: member)).groups.map(\.id) == [target])
        let notMember = GroupQuery(displayName: name, memberUserID: Self.userID(2, teamID: team.id))
        #expect(try list(notMember) == GroupPage(totalResults: 0, groups: []))
        #expect(try list(GroupQuery(displayName: name), count: 0) == GroupPage(totalResults: 1, groups: []))
        #expect(try list(GroupQuery(displayName: name), startIndex: 2) == GroupPage(totalResults: 1, groups: []))
    }

    @Test func groupExternalIDFilterPagesInCreationOrder() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try Self.insertTeam("alpha", userCount: 0, groupCount: 9, in: store)
        // Groups 2, 4, 6 and 8 share an externalId, because externalId need not be unique.
        try store.write { transaction in
            for number in [8, 2, 6, 4] {
                var group = try #require(try transaction.group(id: Self.groupID(number, teamID: team.id)))
                group.externalID = "shared"
                try transaction.updateGroup(group)
            }
        }
        let query = GroupQuery(externalID: "shared")

        let first = try store.read { try $0.groups(teamID: team.id, matching: query, startIndex: 1, count: 3) }
        let second = try store.read { try $0.groups(teamID: team.id, matching: query, startIndex: 4, count: 3) }
        let none = try store.read {
            try $0.groups(teamID: team.id, matching: GroupQuery(externalID: "SHARED"), startIndex: 1, count: 3)
        }

        #expect(first.totalResults == 4)
        #expect(first.groups.map(\.id) == [2, 4, 6].map { Self.groupID($0, teamID: team.id) })
        #expect(second.groups.map(\.id) == [Self.groupID(8, teamID: team.id)])
        #expect(none == GroupPage(totalResults: 0, groups: []))
    }

    @Test func groupMemberFilterListsGroupsOfUser() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try Self.insertTeam("alpha", userCount: 2, groupCount: 6, in: store)
        let member = Self.userID(1, teamID: team.id)
        try store.write { transaction in
            // Joined in an order unlike creation order, which the listing must still follow.
            for number in [5, 1, 3] {
                _ = try transaction.addMembers(
                    groupID: Self.groupID(number, teamID: team.id), [GroupMember(userID: member)])
            }
            var group = try #require(try transaction.group(id: Self.groupID(3, teamID: team.id)))
            group.externalID = "ext-3"
            try transaction.updateGroup(group)
        }

        let all = try store.read {
            try $0.groups(teamID: team.id, matching: GroupQuery(memberUserID: member), startIndex: 1, count: 10)
        }
        let secondPage = try store.read {
            try $0.groups(teamID: team.id, matching: GroupQuery(memberUserID: member), startIndex: 2, count: 1)
        }
        let withExternalID = try store.read {
            let query = GroupQuery(externalID: "ext-3", memberUserID: member)
            return try $0.groups(teamID: team.id, matching: query, startIndex: 1, count: 10)
        }
        let nonMember = try store.read {
            let query = GroupQuery(memberUserID: Self.userID(2, teamID: team.id))
            return try $0.groups(teamID: team.id, matching: query, startIndex: 1, count: 10)
        }

        #expect(all.totalResults == 3)
        #expect(all.groups.map(\.id) == [1, 3, 5].map { Self.groupID($0, teamID: team.id) })
        #expect(secondPage == GroupPage(totalResults: 3, groups: [all.groups[1]]))
        #expect(withExternalID.groups.map(\.id) == [Self.groupID(3, teamID: team.id)])
        #expect(nonMember == GroupPage(totalResults: 0, groups: []))
        #expect(try store.read { try $0.groups(ofUser: member) } == all.groups)
        #expect(try store.read { try $0.groups(ofUser: Self.userID(2, teamID: team.id)) } == [])
    }

    // MARK: - Migration

    @Test func version1FileGainsGroupTables() throws {
        let database = try TemporaryDatabase()
        // SQLite reads an empty file as an empty database, and the raw connection does not create files.
        #expect(FileManager.default.createFile(atPath: database.path, contents: nil))
        do {
            // This connection closes at the end of the block, before the store switches the file to WAL.
            let raw = try database.openRawConnection()
            try raw.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)")
            for statement in SQLiteMigration.initialSchema.statements {
                try raw.execute(statement)
            }
            try raw.execute("INSERT INTO schema_migrations VALUES (1, 0)")
            try raw.execute("INSERT INTO teams (name, created) VALUES ('alpha', 0)")
        }

        let store = try database.openStore()
        defer { store.close() }
        let group = Self.makeGroup(1, teamID: 1)
        try store.write { try $0.insertGroup(group) }

        let raw = try database.openRawConnection()
        #expect(try raw.text("SELECT max(version) FROM schema_migrations") == "3")
        let page = try store.read { try $0.groups(teamID: 1, matching: GroupQuery(), startIndex: 1, count: 10) }
        #expect(page == GroupPage(totalResults: 1, groups: [group]))
    }

    // MARK: - Group helpers

    static func groupID(_ number: Int, teamID: Int64) -> String {
        "group-\(teamID)-\(number)"
    }

    /// Builds a group named "Group <number>", without an externalId.
    static func makeGroup(_ number: Int, teamID: Int64) -> GroupRecord {
        GroupRecord(
            id: groupID(number, teamID: teamID), teamID: teamID, displayName: "Group \(number)",
            created: now + Int64(number), lastModified: now + Int64(number) + 1)
    }

    /// Inserts a new team with `userCount` active users and `groupCount` empty groups, numbered from 1.
    ///
    /// Each userName starts with the team name, because userNames are unique across teams.
    static func insertTeam(
        _ name: String, userCount: Int, groupCount: Int = 0, in store: SQLiteStore
    ) throws -> TeamRecord {
        try store.write { transaction -> TeamRecord in
            let team = try transaction.insertTeam(name: name, domains: [], now: now)
            for number in stride(from: 1, through: userCount, by: 1) {
                var user = makeUser(number, teamID: team.id)
                user.userName = "\(name).user\(number)@example.com"
                try transaction.insertUser(user)
            }
            for number in stride(from: 1, through: groupCount, by: 1) {
                try transaction.insertGroup(makeGroup(number, teamID: team.id))
            }
            return team
        }
    }
}
