import Foundation
import SCIMCore
import Testing

/// The behaviour every ``ResourceStore`` shares, run against each kind in ``StoreKind/available``.
struct StoreContractTests {
    typealias F = Fixture

    // MARK: - Teams

    @Test(arguments: StoreKind.available)
    func insertedTeamIsFoundByNameAndID(kind: StoreKind) throws {
        let store = try ContractStore(kind)

        let team = try store.writing {
            try $0.insertTeam(name: "alpha", domains: ["b.example", "a.example", "b.example"], now: F.now)
        }

        let expected = TeamRecord(id: team.id, name: "alpha", domains: ["b.example", "a.example"], isDeleted: false)
        #expect(team == expected)
        #expect(try store.reading { try $0.team(named: "alpha") } == expected)
        #expect(try store.reading { try $0.team(id: team.id) } == expected)
        #expect(try store.reading { try $0.team(named: "Alpha") } == nil)
        #expect(try store.reading { try $0.team(id: team.id + 1) } == nil)
    }

    @Test(arguments: StoreKind.available)
    func teamNameTakenThrowsUniqueness(kind: StoreKind) throws {
        let store = try ContractStore(kind)
        let team = try store.writing { try $0.insertTeam(name: "alpha", domains: [], now: F.now) }
        try store.writing { try $0.markTeamDeleted(id: team.id, now: F.now) }

        let error = #expect(throws: SCIMError.self) {
            try store.writing { try $0.insertTeam(name: "alpha", domains: ["x.example"], now: F.now) }
        }

        #expect(error?.status == 409)
        #expect(error?.scimType == .uniqueness)
        #expect(try store.reading { try $0.team(id: team.id) }?.isDeleted == true)
    }

    @Test(arguments: StoreKind.available)
    func emptyTextSurvivesAsEmptyNotNull(kind: StoreKind) throws {
        let store = try ContractStore(kind)
        let team = try store.writing { try $0.insertTeam(name: "", domains: [""], now: F.now) }
        var user = F.makeUser(1, teamID: team.id)
        user.givenName = ""

        try store.writing { try $0.insertUser(user) }

        #expect(try store.reading { try $0.team(named: "") } == team)
        #expect(try store.reading { try $0.user(id: user.id) }?.givenName == "")
    }

    // MARK: - API keys

    @Test(arguments: StoreKind.available)
    func keysAreListedOldestFirstAndRevokedOnce(kind: StoreKind) throws {
        let store = try ContractStore(kind)
        let team = try store.writing { try $0.insertTeam(name: "alpha", domains: [], now: F.now) }
        let newer = APIKeyRecord(id: "k2", teamID: team.id, adminUserID: "u", secretDigest: [2], created: F.now + 5)
        let older = APIKeyRecord(id: "k1", teamID: team.id, adminUserID: "u", secretDigest: [1], created: F.now)
        let sameTime = APIKeyRecord(id: "k0", teamID: team.id, adminUserID: "u", secretDigest: [], created: F.now)
        try store.writing { transaction in
            try transaction.insertKey(newer)
            try transaction.insertKey(older)
            try transaction.insertKey(sameTime)
        }

        let firstRevoke = try store.writing { try $0.revokeKey(id: "k1", now: F.now + 9) }
        let secondRevoke = try store.writing { try $0.revokeKey(id: "k1", now: F.now + 10) }
        let unknownRevoke = try store.writing { try $0.revokeKey(id: "missing", now: F.now) }
        let keys = try store.reading { try $0.keys(teamID: team.id) }

        #expect(firstRevoke)
        #expect(!secondRevoke)
        #expect(!unknownRevoke)
        var revokedOlder = older
        revokedOlder.revoked = F.now + 9
        #expect(keys == [revokedOlder, sameTime, newer])
    }

    @Test(arguments: StoreKind.available)
    func duplicateKeyIDThrowsUniqueness(kind: StoreKind) throws {
        let store = try ContractStore(kind)
        let team = try store.writing { try $0.insertTeam(name: "alpha", domains: [], now: F.now) }
        let key = APIKeyRecord(id: "k1", teamID: team.id, adminUserID: "u", secretDigest: [1], created: F.now)
        try store.writing { try $0.insertKey(key) }

        let error = #expect(throws: SCIMError.self) { try store.writing { try $0.insertKey(key) } }

        #expect(error?.scimType == .uniqueness)
    }

    @Test(arguments: StoreKind.available)
    func credentialJoinsKeyTeamAndAdmin(kind: StoreKind) throws {
        let store = try ContractStore(kind)
        let team = try store.writing {
            try $0.insertTeam(name: "alpha", domains: ["a.example", "b.example"], now: F.now)
        }
        var admin = F.makeUser(1, teamID: team.id)
        admin.role = .admin
        let digest = (0...31).map { UInt8($0 * 8) }
        let key = APIKeyRecord(id: "00ff", teamID: team.id, adminUserID: admin.id, secretDigest: digest, created: F.now)
        let orphan = APIKeyRecord(id: "0100", teamID: team.id, adminUserID: "gone", secretDigest: [], created: F.now)
        try store.writing { transaction in
            try transaction.insertUser(admin)
            try transaction.insertKey(key)
            try transaction.insertKey(orphan)
        }

        let credential = try store.reading { try $0.credential(keyID: "00ff") }
        let orphanCredential = try store.reading { try $0.credential(keyID: "0100") }
        let missing = try store.reading { try $0.credential(keyID: "ffff") }

        #expect(credential == CredentialRecord(key: key, team: team, admin: admin))
        #expect(orphanCredential == CredentialRecord(key: orphan, team: team, admin: nil))
        #expect(missing == nil)
    }

    // MARK: - Transactions and failures

    @Test(arguments: StoreKind.available)
    func throwingWriteLeavesNothingBehind(kind: StoreKind) throws {
        let store = try ContractStore(kind)

        let error = #expect(throws: SCIMError.self) {
            try store.writing { transaction in
                let team = try transaction.insertTeam(name: "alpha", domains: ["a.example"], now: F.now)
                try transaction.insertUser(F.makeUser(1, teamID: team.id))
                throw SCIMError.invalidValue("stop here")
            }
        }

        #expect(error?.status == 400)
        #expect(error?.detail == "stop here")
        #expect(try store.reading { try $0.team(named: "alpha") } == nil)
        #expect(try store.reading { try $0.user(userName: "user1@example.com") } == nil)
        #expect(try store.exportSnapshot() == StoreSnapshot())
    }

    @Test(arguments: StoreKind.available)
    func writeInsideReadThrows(kind: StoreKind) throws {
        let store = try ContractStore(kind)

        let error = #expect(throws: SCIMError.self) {
            try store.reading { try $0.insertTeam(name: "alpha", domains: [], now: F.now) }
        }

        #expect(error?.status == 500)
        #expect(try store.reading { try $0.team(named: "alpha") } == nil)
    }

    @Test(arguments: StoreKind.available)
    func transactionUsedAfterClosureThrows(kind: StoreKind) throws {
        let store = try ContractStore(kind)

        let escaped = try store.writing { $0 }

        #expect(throws: SCIMError.self) { try escaped.insertTeam(name: "alpha", domains: [], now: F.now) }
        #expect(try store.reading { try $0.team(named: "alpha") } == nil)
    }

    @Test(arguments: StoreKind.available)
    func closedStoreIsUnavailable(kind: StoreKind) throws {
        let store = try ContractStore(kind)

        store.close()

        let readError = #expect(throws: SCIMError.self) { try store.reading { try $0.team(id: 1) } }
        let writeError = #expect(throws: SCIMError.self) { try store.writing { try $0.team(id: 1) } }
        #expect(readError?.status == 503)
        #expect(writeError?.status == 503)
    }

    // MARK: - Export and import

    @Test(arguments: StoreKind.available, StoreKind.available)
    func snapshotCopiesEveryRow(from sourceKind: StoreKind, to targetKind: StoreKind) throws {
        let source = try ContractStore(sourceKind)
        let target = try ContractStore(targetKind)
        let team = try F.insertTeam("alpha", userCount: 4, groupCount: 3, in: source)
        try source.writing { transaction in
            _ = try transaction.insertTeam(name: "beta", domains: ["b.example", "a.example"], now: F.now)
            var admin = F.makeUser(1, teamID: team.id)
            admin.userName = "alpha.user1@example.com"
            admin.role = .admin
            admin.version = 9
            admin.extraAttributes = JSONObject([("nickName", .string("Zoë")), ("score", .integer(-3))])
            admin.passwordHash = "$pbkdf2-sha256$i=1$c2FsdA$VawEblbjCJ/sFpHCJUS2BflBhSFt3gRl5oudV8INrLw"
            try transaction.updateUser(admin)
            var unassigned = F.makeUser(3, teamID: team.id)
            unassigned.active = nil
            try transaction.updateUser(unassigned)
            try transaction.deleteUser(id: F.userID(2, teamID: team.id))
            try transaction.deleteGroup(id: F.groupID(2, teamID: team.id))
            try transaction.insertKey(
                APIKeyRecord(id: "k1", teamID: team.id, adminUserID: admin.id, secretDigest: [0, 255], created: 5))
            _ = try transaction.addMembers(
                groupID: F.groupID(1, teamID: team.id),
                [
                    GroupMember(userID: F.userID(4, teamID: team.id), display: "Four", type: "User"),
                    GroupMember(userID: F.userID(3, teamID: team.id)),
                ])
            _ = try transaction.revokeKey(id: "k1", now: 7)
            try transaction.markTeamDeleted(id: team.id, now: F.now + 1)
        }
        let snapshot = try source.exportSnapshot()

        try target.importSnapshot(snapshot)

        #expect(try target.exportSnapshot() == snapshot)
        let page = try target.reading { try $0.users(teamID: team.id, matching: UserQuery(), startIndex: 2, count: 5) }
        #expect(page.totalResults == 3)
        #expect(page.users.map(\.id) == [3, 4].map { F.userID($0, teamID: team.id) })
        let groups = try target.reading {
            try $0.groups(teamID: team.id, matching: GroupQuery(), startIndex: 1, count: 5)
        }
        #expect(groups.groups.map(\.id) == [1, 3].map { F.groupID($0, teamID: team.id) })
        let fresh = try target.writing { try $0.insertTeam(name: "gamma", domains: [], now: F.now) }
        #expect(fresh.id == 3)
        let again = #expect(throws: SCIMError.self) { try target.importSnapshot(snapshot) }
        #expect(again?.status == 400)
    }

    @Test(arguments: StoreKind.available, StoreKind.available)
    func snapshotCopiesManyRows(from sourceKind: StoreKind, to targetKind: StoreKind) throws {
        // More users and members than one multi-row INSERT of the PostgreSQL import takes.
        let userCount = 1_500
        let source = try ContractStore(sourceKind)
        let target = try ContractStore(targetKind)
        let team = try F.insertTeam("alpha", userCount: userCount, groupCount: 1, in: source)
        try source.writing { transaction in
            var withEmail = F.makeUser(700, teamID: team.id)
            withEmail.userName = "alpha.user700@example.com"
            withEmail.extraAttributes = JSONObject([
                ("emails", .array([.object(JSONObject([("value", .string("Seven@Example.com"))]))]))
            ])
            try transaction.updateUser(withEmail)
            _ = try transaction.addMembers(
                groupID: F.groupID(1, teamID: team.id),
                (1...userCount).map { GroupMember(userID: F.userID($0, teamID: team.id)) })
        }
        let snapshot = try source.exportSnapshot()

        try target.importSnapshot(snapshot)

        #expect(snapshot.users.count == userCount)
        #expect(snapshot.memberships.count == userCount)
        #expect(try target.exportSnapshot() == snapshot)
        let lastPage = try target.reading {
            try $0.users(teamID: team.id, matching: UserQuery(), startIndex: userCount, count: 5)
        }
        #expect(lastPage.totalResults == userCount)
        #expect(lastPage.users.map(\.id) == [F.userID(userCount, teamID: team.id)])
    }
}
