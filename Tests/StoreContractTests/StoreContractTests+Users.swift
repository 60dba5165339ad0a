import Foundation
import SCIMCore
import Testing

extension StoreContractTests {
    // MARK: - Users

    @Test(arguments: StoreKind.available)
    func insertedUserRoundTripsEveryField(kind: StoreKind) throws {
        let store = try ContractStore(kind)
        let team = try store.writing { try $0.insertTeam(name: "alpha", domains: [], now: F.now) }
        var user = F.makeUser(1, teamID: team.id, active: false)
        user.role = .admin
        user.version = 7
        user.extraAttributes = JSONObject([
            ("displayName", .string("Zoë \u{1F600} \"quoted\" \\ back")),
            ("emails", .array([.object(JSONObject([("value", .string("z@example.com")), ("primary", .bool(true))]))])),
            ("nickName", .null),
            ("score", .integer(-3)),
        ])

        try store.writing { try $0.insertUser(user) }

        #expect(try store.reading { try $0.user(id: user.id) } == user)
    }

    @Test(arguments: StoreKind.available)
    func userNameLookupIgnoresCase(kind: StoreKind) throws {
        let store = try ContractStore(kind)
        let team = try store.writing { try $0.insertTeam(name: "alpha", domains: [], now: F.now) }
        var user = F.makeUser(1, teamID: team.id)
        user.userName = "Ünïcode.Person@Example.COM"
        try store.writing { try $0.insertUser(user) }

        let found = try store.reading { try $0.user(userName: "ünïcode.person@example.com") }
        let missing = try store.reading { try $0.user(userName: "someone@example.com") }

        #expect(found == user)
        #expect(missing == nil)
    }

    @Test(arguments: StoreKind.available)
    func userNameTakenInAnyTeamThrowsUniqueness(kind: StoreKind) throws {
        let store = try ContractStore(kind)
        let alpha = try store.writing { try $0.insertTeam(name: "alpha", domains: [], now: F.now) }
        let beta = try store.writing { try $0.insertTeam(name: "beta", domains: [], now: F.now) }
        var original = F.makeUser(1, teamID: alpha.id)
        original.userName = "Alice@Example.com"
        try store.writing { try $0.insertUser(original) }
        var duplicate = F.makeUser(2, teamID: beta.id)
        duplicate.userName = "alice@example.COM"

        let error = #expect(throws: SCIMError.self) { try store.writing { try $0.insertUser(duplicate) } }

        #expect(error?.status == 409)
        #expect(error?.scimType == .uniqueness)
        #expect(try store.reading { try $0.user(id: duplicate.id) } == nil)
    }

    @Test(arguments: StoreKind.available)
    func caughtUniquenessFailureKeepsCountersRight(kind: StoreKind) throws {
        let store = try ContractStore(kind)
        let team = try store.writing { try $0.insertTeam(name: "alpha", domains: [], now: F.now) }
        try store.writing { try $0.insertUser(F.makeUser(1, teamID: team.id)) }
        try store.writing { try $0.insertUser(F.makeUser(2, teamID: team.id)) }
        var duplicate = F.makeUser(3, teamID: team.id)
        duplicate.userName = "USER1@example.com"
        var renamed = F.makeUser(2, teamID: team.id)
        renamed.userName = "User1@Example.com"

        let caught = try store.writing { transaction -> [SCIMError?] in
            var caught: [SCIMError?] = []
            do { try transaction.insertUser(duplicate) } catch { caught.append(error as? SCIMError) }
            do { try transaction.updateUser(renamed) } catch { caught.append(error as? SCIMError) }
            try transaction.insertUser(F.makeUser(4, teamID: team.id))
            return caught
        }
        let page = try store.reading { try $0.users(teamID: team.id, matching: UserQuery(), startIndex: 2, count: 10) }

        #expect(caught.map { $0?.scimType } == [.uniqueness, .uniqueness])
        #expect(page.totalResults == 3)
        #expect(page.users.map(\.id) == [2, 4].map { F.userID($0, teamID: team.id) })
        #expect(page.users.first?.userName == "user2@example.com")
    }

    @Test(arguments: StoreKind.available)
    func updateUserStoresEveryFieldAndActiveCount(kind: StoreKind) throws {
        let store = try ContractStore(kind)
        let team = try store.writing { try $0.insertTeam(name: "alpha", domains: [], now: F.now) }
        let original = F.makeUser(1, teamID: team.id)
        try store.writing { try $0.insertUser(original) }
        var changed = original
        changed.userName = "USER1@example.com"
        changed.givenName = nil
        changed.familyName = "New"
        changed.externalID = nil
        changed.active = false
        changed.role = .admin
        changed.lastModified += 100
        changed.version = 2
        changed.extraAttributes = JSONObject([("title", .string("Boss"))])

        try store.writing { try $0.updateUser(changed) }

        #expect(try store.reading { try $0.user(id: original.id) } == changed)
        let inactive = try store.reading {
            try $0.users(teamID: team.id, matching: UserQuery(active: false), startIndex: 1, count: 10)
        }
        #expect(inactive == UserPage(totalResults: 1, users: [changed]))
        let active = try store.reading {
            try $0.users(teamID: team.id, matching: UserQuery(active: true), startIndex: 1, count: 10)
        }
        #expect(active == UserPage(totalResults: 0, users: []))
    }

    @Test(arguments: StoreKind.available)
    func unassignedActiveAndPasswordHashRoundTrip(kind: StoreKind) throws {
        let store = try ContractStore(kind)
        let team = try F.insertTeam("alpha", userCount: 2, in: store)
        var first = try #require(try store.reading { try $0.user(id: F.userID(1, teamID: team.id)) })
        first.active = nil
        first.passwordHash = "$pbkdf2-sha256$i=1$c2FsdA$VawEblbjCJ/sFpHCJUS2BflBhSFt3gRl5oudV8INrLw"
        first.version += 1

        try store.writing { try $0.updateUser(first) }

        #expect(try store.reading { try $0.user(id: first.id) } == first)
        let active = try store.reading {
            try $0.users(teamID: team.id, matching: UserQuery(active: true), startIndex: 1, count: 10)
        }
        #expect(active.totalResults == 1)
        #expect(active.users.map(\.id) == [F.userID(2, teamID: team.id)])
        let inactive = try store.reading {
            try $0.users(teamID: team.id, matching: UserQuery(active: false), startIndex: 1, count: 10)
        }
        #expect(inactive.users.isEmpty)
    }

    @Test(arguments: StoreKind.available)
    func updateOrInsertWithUnknownRowsThrowsInternalFailure(kind: StoreKind) throws {
        let store = try ContractStore(kind)
        let team = try store.writing { try $0.insertTeam(name: "alpha", domains: [], now: F.now) }

        let update = #expect(throws: SCIMError.self) {
            try store.writing { try $0.updateUser(F.makeUser(1, teamID: team.id)) }
        }
        let insert = #expect(throws: SCIMError.self) {
            try store.writing { try $0.insertUser(F.makeUser(1, teamID: team.id + 5)) }
        }

        #expect(update?.status == 500)
        #expect(insert?.status == 500)
    }

    // MARK: - Listing

    @Test(arguments: StoreKind.available)
    func unfilteredPagesAtStartAndEnd(kind: StoreKind) throws {
        let store = try ContractStore(kind)
        let team = try F.insertTeam("alpha", userCount: 7, in: store)
        _ = try F.insertTeam("beta", userCount: 2, in: store)
        func page(_ startIndex: Int, _ count: Int) throws -> UserPage {
            try store.reading {
                try $0.users(teamID: team.id, matching: UserQuery(), startIndex: startIndex, count: count)
            }
        }

        #expect(try page(1, 3).users.map(\.id) == [1, 2, 3].map { F.userID($0, teamID: team.id) })
        #expect(try page(6, 3).users.map(\.id) == [6, 7].map { F.userID($0, teamID: team.id) })
        #expect(try page(0, 1).users.map(\.id) == [F.userID(1, teamID: team.id)])
        #expect(try page(8, 3) == UserPage(totalResults: 7, users: []))
        #expect(try page(1, 0) == UserPage(totalResults: 7, users: []))
        #expect(try page(1, -4) == UserPage(totalResults: 7, users: []))
    }

    @Test(arguments: StoreKind.available)
    func userNameFilterMatchesExactCase(kind: StoreKind) throws {
        let store = try ContractStore(kind)
        let alpha = try F.insertTeam("alpha", userCount: 2, in: store)
        let beta = try F.insertTeam("beta", userCount: 1, in: store)
        func list(_ query: UserQuery, teamID: Int64, startIndex: Int = 1) throws -> UserPage {
            try store.reading { try $0.users(teamID: teamID, matching: query, startIndex: startIndex, count: 10) }
        }

        let exact = try list(UserQuery(userName: "alpha.user2@example.com"), teamID: alpha.id)
        let otherCase = try list(UserQuery(userName: "ALPHA.user2@example.com"), teamID: alpha.id)
        let otherTeam = try list(UserQuery(userName: "alpha.user2@example.com"), teamID: beta.id)
        let inactive = try list(UserQuery(userName: "alpha.user2@example.com", active: false), teamID: alpha.id)
        let secondPage = try list(UserQuery(userName: "alpha.user2@example.com"), teamID: alpha.id, startIndex: 2)

        #expect(exact.totalResults == 1)
        #expect(exact.users.map(\.id) == [F.userID(2, teamID: alpha.id)])
        #expect(otherCase == UserPage(totalResults: 0, users: []))
        #expect(otherTeam == UserPage(totalResults: 0, users: []))
        #expect(inactive == UserPage(totalResults: 0, users: []))
        #expect(secondPage == UserPage(totalResults: 1, users: []))
    }

    @Test(arguments: StoreKind.available)
    func userPagesAfterDeletionSkipNoUser(kind: StoreKind) throws {
        let store = try ContractStore(kind)
        let team = try F.insertTeam("alpha", userCount: 11, in: store)
        try store.writing { transaction in
            try transaction.deleteUser(id: F.userID(3, teamID: team.id))
            try transaction.deleteUser(id: F.userID(7, teamID: team.id))
            var inactive = try #require(try transaction.user(id: F.userID(9, teamID: team.id)))
            inactive.active = false
            try transaction.updateUser(inactive)
        }
        func page(_ startIndex: Int, active: Bool? = nil) throws -> UserPage {
            try store.reading {
                try $0.users(teamID: team.id, matching: UserQuery(active: active), startIndex: startIndex, count: 3)
            }
        }

        let pages = try [1, 4, 7, 10].map { try page($0) }
        let activePage = try page(4, active: true)

        #expect(pages.allSatisfy { $0.totalResults == 9 })
        #expect(pages[0].users.map(\.id) == [1, 2, 4].map { F.userID($0, teamID: team.id) })
        #expect(pages[1].users.map(\.id) == [5, 6, 8].map { F.userID($0, teamID: team.id) })
        #expect(pages[2].users.map(\.id) == [9, 10, 11].map { F.userID($0, teamID: team.id) })
        #expect(pages[3].users == [])
        #expect(activePage.totalResults == 8)
        #expect(activePage.users.map(\.id) == [5, 6, 8].map { F.userID($0, teamID: team.id) })
    }

    @Test(arguments: StoreKind.available)
    func listingOfUnknownTeamIsEmpty(kind: StoreKind) throws {
        let store = try ContractStore(kind)

        let users = try store.reading { try $0.users(teamID: 42, matching: UserQuery(), startIndex: 1, count: 10) }
        let groups = try store.reading { try $0.groups(teamID: 42, matching: GroupQuery(), startIndex: 1, count: 10) }

        #expect(users == UserPage(totalResults: 0, users: []))
        #expect(groups == GroupPage(totalResults: 0, groups: []))
    }
}
