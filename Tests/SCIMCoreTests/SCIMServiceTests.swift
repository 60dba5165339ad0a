import SCIMCore
import SCIMTestSupport
import Testing

struct SCIMServiceTests {
    private let invalidKeyText = ErrorCatalogue.PostmanText.invalidKey

    @Test("Key is accepted as Bearer, bare or in X-API-Key")
    func headerForms() throws {
        let fixture = try ServiceFixture()
        let forms: [(String?, String?)] = [
            ("Bearer \(fixture.key)", nil), ("bearer \(fixture.key)", nil), ("BEARER   \(fixture.key)  ", nil),
            (fixture.key, nil), ("  \(fixture.key)", nil), (nil, fixture.key), (nil, " \(fixture.key) "),
            ("Bearer \(fixture.key)", "garbage"),
        ]

        for (authorization, apiKey) in forms {
            let caller = try fixture.authenticate(authorization: authorization, apiKey: apiKey)
            #expect(caller == fixture.caller)
        }
    }

    @Test("Missing, malformed or unknown keys get Postman's 401")
    func invalidKeys() throws {
        let fixture = try ServiceFixture()
        let secretFlipped = String(fixture.key.dropLast()) + (fixture.key.hasSuffix("0") ? "1" : "0")
        let forms: [(String?, String?)] = [
            (nil, nil), ("", nil), ("Bearer", nil), ("Bearer ", nil), ("Basic \(fixture.key)", nil),
            ("invalidApiKey", nil), (APIKeyFormat.unknown(), nil), (secretFlipped, nil),
            (fixture.key.uppercased(), nil), ("Bearér \(fixture.key)", nil), ("Bearer\t\(fixture.key)", nil),
            ("garbage", fixture.key), ("", fixture.key), (nil, ""),
        ]

        for (authorization, apiKey) in forms {
            let error = thrownError { () throws(SCIMError) in
                try fixture.authenticate(authorization: authorization, apiKey: apiKey)
            }
            #expect(error?.status == 401, "\(String(describing: authorization)) \(String(describing: apiKey))")
            #expect(error?.detail == invalidKeyText)
            #expect(error?.scimType == nil)
        }
    }

    @Test("Revoked key gets 401")
    func revokedKey() throws {
        let fixture = try ServiceFixture()
        let keyID = try #require(APIKeyFormat.id(of: fixture.key))
        try fixture.administration.revokeKey(id: keyID)

        let error = thrownError { () throws(SCIMError) in try fixture.authenticate(authorization: fixture.key) }

        #expect(error?.status == 401)
        #expect(error?.detail == invalidKeyText)
    }

    @Test("Key of a deleted team gets 400")
    func deletedTeam() throws {
        let fixture = try ServiceFixture()
        try fixture.administration.deleteTeam(name: "Acme")

        let error = thrownError { () throws(SCIMError) in try fixture.authenticate(authorization: fixture.key) }

        #expect(error?.status == 400)
        #expect(error?.detail == ErrorCatalogue.PostmanText.teamGone)
    }

    @Test("Key of an admin who is no longer admin gets 403")
    func demotedAdmin() throws {
        let fixture = try ServiceFixture()
        try fixture.administration.removeAdmin(teamName: "Acme", email: ServiceFixture.adminEmail)

        let error = thrownError { () throws(SCIMError) in try fixture.authenticate(authorization: fixture.key) }

        #expect(error?.status == 403)
        #expect(error?.detail == ErrorCatalogue.PostmanText.adminNotOnTeam)
    }

    @Test("Key of a deactivated admin gets 403")
    func deactivatedAdmin() throws {
        let fixture = try ServiceFixture()
        try fixture.store.write { (transaction) throws(SCIMError) in
            guard var admin = try transaction.user(id: fixture.caller.adminUserID) else { return }
            admin.active = false
            try transaction.updateUser(admin)
        }

        let error = thrownError { () throws(SCIMError) in try fixture.authenticate(authorization: fixture.key) }

        #expect(error?.status == 403)
    }

    @Test("A second admin's key works and the first stays valid")
    func secondAdmin() throws {
        let fixture = try ServiceFixture()

        let secondKey = try fixture.administration.addAdmin(teamName: "Acme", email: "boss@acme.example")

        #expect(try fixture.authenticate(authorization: secondKey).team == fixture.caller.team)
        #expect(try fixture.authenticate(authorization: fixture.key) == fixture.caller)
    }

    @Test("Store failure during authentication becomes the operation's 500")
    func authenticationStoreFailure() throws {
        let fixture = try ServiceFixture()
        fixture.store.failTransactions(with: .internalFailure("disk I/O error"))

        let error = thrownError { () throws(SCIMError) in
            try fixture.service.authenticate(
                authorization: fixture.key, apiKeyHeader: nil, operation: .getUser, context: testContext())
        }

        #expect(error?.status == 500)
        #expect(error?.detail == ErrorCatalogue.PostmanText.fetchUserFailed)
        #expect(error?.underlying == "disk I/O error")
    }

    @Test("Rate limit rejects past the write limit with Postman's 429")
    func rateLimit() throws {
        let fixture = try ServiceFixture(writesPerMinute: 2)
        try fixture.service.admit(fixture.caller, isWrite: true)
        try fixture.service.admit(fixture.caller, isWrite: true)

        let error = thrownError { () throws(SCIMError) in try fixture.service.admit(fixture.caller, isWrite: true) }

        #expect(error?.status == 429)
        #expect(error?.statusEncoding == .number)
        #expect(error?.detail == ErrorCatalogue.PostmanText.rateLimited(attempts: 2))
        #expect((1...60).contains(error?.retryAfterSeconds ?? 0))
        #expect(throws: Never.self) { try fixture.service.admit(fixture.caller, isWrite: false) }
    }
}
