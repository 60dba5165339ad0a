/// Applies PATCH operations to a user through the shared ``PatchEngine`` (RFC 7644 §3.5.2).
///
/// The user becomes a JSON document, the engine applies the operations, and the result is read back.
/// The `postman` profile keeps only the attributes it stores (`userName`, `active`, `externalId`,
/// `name.givenName`, `name.familyName`), so operations on others are accepted and change nothing,
/// as Postman applies only these; it also follows real clients where they depart from the RFC
/// (see ``PatchEngine/tolerant``). The `rfc` profile keeps every attribute but `password`.
package struct UserPatcher: Sendable {
    package let profile: Profile

    package init(profile: Profile) {
        self.profile = profile
    }

    /// Applies every operation to `user`, which is changed only when all of them succeed.
    /// - Throws: `invalidPath`, `invalidValue`, `mutability` or `noTarget`.
    package func apply(_ request: PatchRequest, to user: inout UserRecord) throws(SCIMError) {
        let engine = PatchEngine(schemas: [.user, .enterpriseUser], tolerant: profile == .postman)
        var document = Self.document(for: user)
        var noCollection: (any PatchCollection)? = nil
        try engine.apply(request, to: &document, resourceID: user.id, collection: &noCollection)
        user = try read(document, into: user)
    }

    /// Returns the user's attributes as a document, without `id`, `schemas` and `meta`.
    package static func document(for user: UserRecord) -> JSONObject {
        var document = JSONObject([("userName", .string(user.userName))])
        var name = user.extraAttributes["name"]?.objectValue ?? JSONObject()
        if let givenName = user.givenName { name.set("givenName", .string(givenName)) }
        if let familyName = user.familyName { name.set("familyName", .string(familyName)) }
        if !name.members.isEmpty { document.set("name", .object(name)) }
        if let externalID = user.externalID { document.set("externalId", .string(externalID)) }
        document.set("active", .bool(user.active))
        for member in user.extraAttributes.members where member.key != "name" {
            document.set(member.key, member.value)
        }
        return document
    }

    private func read(_ document: JSONObject, into user: UserRecord) throws(SCIMError) -> UserRecord {
        var updated = user
        guard case .string(let userName)? = document["userName"], !userName.isEmpty else {
            throw .invalidValue("'userName' is required and cannot be removed.")
        }
        guard case .bool(let active)? = document["active"] else {
            throw .invalidValue("'active' cannot be removed; replace it with true or false.")
        }
        updated.userName = userName
        updated.active = active
        updated.externalID = document["externalId"]?.stringValue
        let name = document["name"]?.objectValue ?? JSONObject()
        updated.givenName = name["givenName"]?.stringValue
        updated.familyName = name["familyName"]?.stringValue
        guard profile == .rfc else { return updated }
        var extra = JSONObject()
        let otherName = JSONObject(name.members.filter { $0.key != "givenName" && $0.key != "familyName" })
        if !otherName.members.isEmpty { extra.set("name", .object(otherName)) }
        let columns: Set<String> = ["userName", "active", "externalId", "name", "password"]
        for member in document.members where !columns.contains(member.key) {
            extra.set(member.key, member.value)
        }
        updated.extraAttributes = extra
        return updated
    }
}
