import SCIMCore
import SCIMTestSupport

/// A service over an in-memory store with one team, `Acme` (verified domain `acme.example`), its admin
/// and the admin's key.
struct ServiceFixture {
    static let adminEmail = "admin@acme.example"

    let store = InMemoryStore()
    let hasher = FakeCredentialHasher()
    let administration: TeamAdministration
    let service: SCIMService
    let key: String
    let caller: Caller

    init(profile: Profile = .postman, readsPerMinute: Int = 300, writesPerMinute: Int = 180) throws {
        administration = TeamAdministration(store: store, hasher: hasher)
        service = SCIMService(
            store: store, hasher: hasher,
            configuration: .init(profile: profile, readsPerMinute: readsPerMinute, writesPerMinute: writesPerMinute))
        key = try administration.createTeam(name: "Acme", adminEmail: Self.adminEmail, domains: ["acme.example"])
        caller = try service.authenticate(
            authorization: "Bearer \(key)", apiKeyHeader: nil, operation: .getUser, context: testContext())
    }

    /// Authenticates with the given header values.
    func authenticate(authorization: String?, apiKey: String? = nil) throws(SCIMError) -> Caller {
        try service.authenticate(
            authorization: authorization, apiKeyHeader: apiKey, operation: .replaceUser, context: testContext())
    }

    /// Creates a user in the fixture's team and returns its id.
    func createUser(_ userName: String, caller: Caller? = nil) throws -> String {
        let body =
            #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"\#(userName)","#
            + #""name":{"givenName":"Test","familyName":"User"}}"#
        return try service.createUser(caller ?? self.caller, body: bytes(body), context: testContext()).id
    }

    /// Creates a second team, `Other` (domain `other.example`), and returns its admin's caller.
    func otherTeamCaller() throws -> Caller {
        let otherKey = try administration.createTeam(
            name: "Other", adminEmail: "admin@other.example", domains: ["other.example"])
        return try authenticate(authorization: otherKey)
    }

    /// Sends a PUT with `members` added to the schemas member.
    func put(_ id: String, _ members: String, caller: Caller? = nil) throws(SCIMError) -> JSONValue {
        let body = #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],\#(members)}"#
        return try service.replaceUser(caller ?? self.caller, id: id, body: bytes(body), context: testContext())
    }

    /// Sends a PATCH with `operations` as its `Operations` array.
    func patch(_ id: String, _ operations: String) throws(SCIMError) -> JSONValue {
        let body = #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[\#(operations)]}"#
        return try service.patchUser(caller, id: id, body: bytes(body), context: testContext())
    }

    /// Returns the stored user with this id.
    func storedUser(_ id: String) -> UserRecord? {
        store.snapshot.users.first { $0.id == id }
    }
}
