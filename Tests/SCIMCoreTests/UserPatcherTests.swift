import SCIMCore
import Testing

private let userID = "405775fe15ed41872a8eea4c8aa2b38cda9749812cc55c99"
private let enterpriseURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

struct UserPatcherTests {
    private func alice() -> UserRecord {
        UserRecord(
            id: userID, teamID: 1, userName: "alice@example.com", givenName: "Alice", familyName: "Example",
            externalID: "ext-1", active: true, created: 1_000, lastModified: 2_000)
    }

    /// Alice with a work e-mail address, which the rfc profile keeps among the other attributes.
    private func aliceWithWorkEmail() -> UserRecord {
        var user = alice()
        let email = JSONObject([("value", .string("alice@example.com")), ("type", .string("work"))])
        user.extraAttributes = JSONObject([("emails", .array([.object(email)]))])
        return user
    }

    /// Applies a PATCH body whose `Operations` array is `operations` to Alice.
    private func patch(_ operations: String, profile: Profile = .postman, user: UserRecord? = nil) throws(SCIMError)
        -> UserRecord
    {
        let body = #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[\#(operations)]}"#
        let request = try PatchRequest.parse(bytes(body))
        var patched = user ?? alice()
        try UserPatcher(profile: profile).apply(request, to: &patched)
        return patched
    }

    private func kind(_ operations: String, profile: Profile = .postman) -> SCIMError.Kind? {
        thrownError { () throws(SCIMError) in try patch(operations, profile: profile) }?.scimType
    }

    // MARK: - Entra ID

    @Test("Entra ID default mode: \"False\" string deactivates", arguments: Profile.allCases)
    func entraFalseString(profile: Profile) throws {
        let user = try patch(#"{"op":"Replace","path":"active","value":"False"}"#, profile: profile)

        #expect(user.active == false)
        #expect(user.userName == "alice@example.com")
    }

    @Test("Entra ID default mode: \"True\" string in any case activates", arguments: ["True", "TRUE", "true"])
    func entraTrueString(text: String) throws {
        var inactive = alice()
        inactive.active = false

        let user = try patch(#"{"op":"Replace","path":"active","value":"\#(text)"}"#, user: inactive)

        #expect(user.active == true)
    }

    @Test("Entra ID default mode: several capitalised operations in one request", arguments: Profile.allCases)
    func entraDefaultMode(profile: Profile) throws {
        let operations = #"""
            {"op":"Replace","path":"emails[type eq \"work\"].value","value":"alice.new@example.com"},
            {"op":"Replace","path":"name.familyName","value":"Example-Smith"},
            {"op":"Replace","path":"externalId","value":"alice-ext-2"},
            {"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber","value":"1042"},
            {"op":"Add","path":"nickName","value":"Ali"}
            """#

        let user = try patch(operations, profile: profile, user: aliceWithWorkEmail())

        #expect(user.familyName == "Example-Smith")
        #expect(user.givenName == "Alice")
        #expect(user.externalID == "alice-ext-2")
        #expect(user.userName == "alice@example.com")
        #expect(user.active == true)
    }

    @Test("Entra ID default mode: rfc profile keeps the other attributes")
    func entraDefaultModeKeepsExtras() throws {
        let operations = #"""
            {"op":"Replace","path":"emails[type eq \"work\"].value","value":"alice.new@example.com"},
            {"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber","value":"1042"},
            {"op":"Add","path":"nickName","value":"Ali"}
            """#

        let user = try patch(operations, profile: .rfc, user: aliceWithWorkEmail())

        #expect(user.extraAttributes["nickName"] == .string("Ali"))
        let emails = user.extraAttributes["emails"]?.arrayValue ?? []
        #expect(emails.first?.objectValue?["value"] == .string("alice.new@example.com"))
        #expect(emails.first?.objectValue?["type"] == .string("work"))
        #expect(user.extraAttributes[enterpriseURN]?.objectValue?["employeeNumber"] == .string("1042"))
    }

    @Test("RFC 7644 §3.5.2.3: filtered replace without a match throws noTarget in rfc")
    func filteredReplaceWithoutMatch() {
        let operation = #"{"op":"replace","path":"emails[type eq \"work\"].value","value":"a@example.com"}"#

        #expect(kind(operation, profile: .rfc) == .noTarget)
    }

    @Test("Filtered replace without a match is accepted in postman, as Entra ID expects")
    func filteredReplaceWithoutMatchTolerated() throws {
        let operation = #"{"op":"Replace","path":"phoneNumbers[type eq \"work\"].value","value":"+1 555 0100"}"#

        #expect(try patch(operation) == alice())
    }

    @Test("Postman profile stores none of the unstored attributes")
    func postmanDropsExtras() throws {
        let user = try patch(#"{"op":"Add","path":"nickName","value":"Ali"}"#)

        #expect(user.extraAttributes.members.isEmpty)
        #expect(user == alice())
    }

    @Test("Entra ID flag mode: path-less replace with dotted and URN keys", arguments: Profile.allCases)
    func entraFlagMode(profile: Profile) throws {
        let operations = #"""
            {"op":"replace","path":"emails[type eq \"work\"].value","value":"alice@example.com"},
            {"op":"replace","value":{"displayName":"Alice Example","name.givenName":"Alicia",
              "name.familyName":"Exemplar",
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"1042"}}
            """#

        let user = try patch(operations, profile: profile, user: aliceWithWorkEmail())

        #expect(user.givenName == "Alicia")
        #expect(user.familyName == "Exemplar")
        #expect(user.userName == "alice@example.com")
    }

    @Test("Entra ID flag mode: real boolean deactivates")
    func entraFlagModeBoolean() throws {
        #expect(try patch(#"{"op":"replace","path":"active","value":false}"#).active == false)
    }

    @Test("Username change through a path")
    func userNameReplace() throws {
        let user = try patch(#"{"op":"Replace","path":"userName","value":"alice.lee@example.com"}"#)

        #expect(user.userName == "alice.lee@example.com")
    }

    // MARK: - Okta

    @Test("Okta: path-less replace of active", arguments: Profile.allCases)
    func oktaDeactivate(profile: Profile) throws {
        let user = try patch(#"{"op":"replace","value":{"active":false}}"#, profile: profile)

        #expect(user.active == false)
        #expect(user.givenName == "Alice")
    }

    @Test("Okta: unchanged id inside the value is ignored")
    func oktaUnchangedID() throws {
        let user = try patch(#"{"op":"replace","value":{"id":"\#(userID)","active":false}}"#)

        #expect(user.id == userID)
        #expect(user.active == false)
    }

    @Test("RFC 7644 §3.5.2: changing id throws mutability", arguments: Profile.allCases)
    func changedIDIsRejected(profile: Profile) {
        #expect(kind(#"{"op":"replace","value":{"id":"other","active":false}}"#, profile: profile) == .mutability)
        #expect(kind(#"{"op":"replace","path":"id","value":"other"}"#, profile: profile) == .mutability)
    }

    @Test("Path-less value under the core schema URN")
    func pathlessCoreURN() throws {
        let operations =
            #"{"op":"replace","value":{"urn:ietf:params:scim:schemas:core:2.0:User":{"active":false,"name":{"givenName":"Al"}}}}"#

        let user = try patch(operations)

        #expect(user.active == false)
        #expect(user.givenName == "Al")
    }

    @Test("RFC 7644 §3.5.2.3: path-less value under the enterprise URN", arguments: Profile.allCases)
    func pathlessEnterpriseURN(profile: Profile) throws {
        let operations = #"{"op":"replace","value":{"\#(enterpriseURN)":{"employeeNumber":"7"},"active":false}}"#

        let user = try patch(operations, profile: profile)

        #expect(user.active == false)
    }

    // MARK: - Removals

    @Test("RFC 7644 §3.5.2.2: removing the required userName throws mutability", arguments: Profile.allCases)
    func userNameRemove(profile: Profile) {
        #expect(kind(#"{"op":"remove","path":"userName"}"#, profile: profile) == .mutability)
        #expect(kind(#"{"op":"Remove","path":"userName"}"#, profile: profile) == .mutability)
        #expect(kind(#"{"op":"replace","path":"userName","value":null}"#, profile: profile) == .mutability)
        #expect(kind(#"{"op":"replace","value":{"userName":null}}"#, profile: profile) == .mutability)
    }

    @Test("Removing active throws invalidValue in the postman profile")
    func postmanActiveRemove() {
        #expect(kind(#"{"op":"remove","path":"active"}"#) == .invalidValue)
        #expect(kind(#"{"op":"replace","path":"active","value":null}"#) == .invalidValue)
    }

    @Test("RFC 7644 §3.5.2.2: removing active leaves it unassigned in the rfc profile")
    func rfcActiveRemove() throws {
        let removed = try patch(#"{"op":"remove","path":"active"}"#, profile: .rfc)
        let nulled = try patch(#"{"op":"replace","path":"active","value":null}"#, profile: .rfc)
        let restored = try patch(#"{"op":"add","path":"active","value":false}"#, profile: .rfc, user: removed)

        #expect(removed.active == nil)
        #expect(nulled.active == nil)
        #expect(restored.active == false)
        #expect(UserPatcher.document(for: removed)["active"] == nil)
    }

    @Test("A new password is stored as its hash from the given table")
    func passwordReplace() throws {
        let body = #"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations":[{"op":"replace","path":"password","value":"t0p-Secret"}]}
            """#
        let request = try PatchRequest.parse(bytes(body))
        var user = alice()

        try UserPatcher(profile: .rfc).apply(request, to: &user, passwordHashes: ["t0p-Secret": "hash-1"])

        #expect(user.passwordHash == "hash-1")
        #expect(user.extraAttributes["password"] == nil)
        #expect(UserPatcher.passwordCandidates(in: request) == ["t0p-Secret"])
    }

    @Test("Password candidates cover path-less and URN-qualified forms")
    func passwordCandidates() throws {
        let body = #"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations":[{"op":"replace","value":{"password":"one","nickName":"x"}},
                           {"op":"add","path":"urn:ietf:params:scim:schemas:core:2.0:User:password","value":"two"},
                           {"op":"replace","value":{"urn:ietf:params:scim:schemas:core:2.0:User:Password":"three"}}]}
            """#

        let candidates = UserPatcher.passwordCandidates(in: try PatchRequest.parse(bytes(body)))

        #expect(candidates == ["one", "two", "three"])
    }

    @Test("Removing the password drops the hash; other operations keep it")
    func passwordRemove() throws {
        var user = alice()
        user.passwordHash = "hash-0"

        let kept = try patch(#"{"op":"replace","path":"nickName","value":"Al"}"#, profile: .rfc, user: user)
        let removed = try patch(#"{"op":"remove","path":"password"}"#, profile: .rfc, user: user)
        let postman = try patch(#"{"op":"remove","path":"password"}"#, user: user)

        #expect(kept.passwordHash == "hash-0")
        #expect(removed.passwordHash == nil)
        #expect(postman.passwordHash == "hash-0")
    }

    @Test("Removing name.givenName keeps familyName")
    func removeGivenName() throws {
        let user = try patch(#"{"op":"remove","path":"name.givenName"}"#)

        #expect(user.givenName == nil)
        #expect(user.familyName == "Example")
    }

    @Test("Removing externalId clears it")
    func removeExternalID() throws {
        #expect(try patch(#"{"op":"remove","path":"externalId"}"#).externalID == nil)
    }

    @Test("Removing name clears both parts")
    func removeName() throws {
        let user = try patch(#"{"op":"remove","path":"name"}"#)

        #expect(user.givenName == nil)
        #expect(user.familyName == nil)
    }

    // MARK: - Name object

    @Test("RFC 7644 §3.5.2.3: replace of name leaves unnamed sub-attributes", arguments: Profile.allCases)
    func replaceNameMerges(profile: Profile) throws {
        let user = try patch(#"{"op":"replace","path":"name","value":{"givenName":"Alicia"}}"#, profile: profile)

        #expect(user.givenName == "Alicia")
        #expect(user.familyName == "Example")
    }

    @Test("RFC 7644 §3.5.2.1: add of name merges sub-attributes")
    func addNameMerges() throws {
        let user = try patch(#"{"op":"add","path":"name","value":{"familyName":"Lee"}}"#)

        #expect(user.givenName == "Alice")
        #expect(user.familyName == "Lee")
    }

    @Test("Path-less replace of the name object")
    func pathlessName() throws {
        let user = try patch(#"{"op":"replace","value":{"name":{"givenName":"A","familyName":"B"}}}"#)

        #expect(user.givenName == "A")
        #expect(user.familyName == "B")
    }

    // MARK: - Rejections

    @Test(
        "Invalid values throw invalidValue",
        arguments: [
            #"{"op":"replace","path":"active","value":"yes"}"#,
            #"{"op":"replace","path":"active","value":3}"#,
            #"{"op":"replace","path":"userName","value":5}"#,
            #"{"op":"replace","path":"name","value":"x"}"#,
            #"{"op":"replace","path":"name.givenName","value":true}"#,
            #"{"op":"replace","value":"not an object"}"#,
            #"{"op":"replace","path":"externalId","value":{}}"#,
        ])
    func invalidValues(operation: String) {
        #expect(kind(operation) == .invalidValue)
    }

    @Test(
        "Unknown attributes throw invalidPath",
        arguments: [
            #"{"op":"replace","path":"favouriteColour","value":"x"}"#,
            #"{"op":"replace","path":"name.nickName","value":"x"}"#,
            #"{"op":"replace","path":"urn:example:unknown:2.0:User:userName","value":"x"}"#,
            #"{"op":"replace","path":"userName[value eq \"x\"]","value":"x"}"#,
            #"{"op":"replace","value":{"favouriteColour":"x"}}"#,
            #"{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:active","value":false}"#,
        ])
    func unknownAttributes(operation: String) {
        #expect(kind(operation) == .invalidPath)
    }

    @Test("A failed request leaves the user unchanged")
    func atomicOnFailure() {
        var user = alice()
        let body =
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":["#
            + #"{"op":"replace","path":"active","value":false},{"op":"replace","path":"nope","value":1}]}"#

        let error = thrownError { () throws(SCIMError) in
            try UserPatcher(profile: .postman).apply(try PatchRequest.parse(bytes(body)), to: &user)
        }

        #expect(error?.scimType == .invalidPath)
        #expect(user == alice())
    }

    @Test("Patching keeps id, team, role and timestamps")
    func keepsBookkeeping() throws {
        let user = try patch(#"{"op":"replace","path":"active","value":false}"#)

        #expect(user.id == userID)
        #expect(user.teamID == 1)
        #expect(user.role == .member)
        #expect(user.created == 1_000)
        #expect(user.lastModified == 2_000)
        #expect(user.version == 1)
    }
}
