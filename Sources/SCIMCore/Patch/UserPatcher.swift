/// Applies PATCH operations to a user through the shared ``PatchEngine`` (RFC 7644 §3.5.2).
///
/// The user becomes a JSON document, the engine applies the operations, and the result is read back.
/// The `postman` profile keeps only the attributes it stores (`userName`, `active`, `externalId`,
/// `name.givenName`, `name.familyName`), so operations on others are accepted and change nothing,
/// as Postman applies only these; it also follows real clients where they depart from the RFC
/// (see ``PatchEngine/tolerant``). The `rfc` profile keeps every attribute, `password` as a hash only.
package struct UserPatcher: Sendable {
    package let profile: Profile

    package init(profile: Profile) {
        self.profile = profile
    }

    /// Applies every operation to `user`, which is changed only when all of them succeed.
    ///
    /// A new `password` is stored as its hash from `passwordHashes`, which maps each candidate from
    /// ``passwordCandidates(in:)`` to its hash; the caller derives them before the write transaction,
    /// because deriving one is slow. The `postman` profile ignores `password`.
    /// - Throws: `invalidPath`, `invalidValue`, `mutability` or `noTarget`.
    package func apply(_ request: PatchRequest, to user: inout UserRecord, passwordHashes: [String: String] = [:])
        throws(SCIMError)
    {
        let engine = PatchEngine(schemas: [.user, .enterpriseUser], tolerant: profile == .postman)
        // A stored password is in the document as a marker that no client can guess, never as its hash.
        let marker = JSONValue.string("stored-password-" + ResourceID.generate())
        var document = Self.document(for: user)
        if profile == .rfc, user.passwordHash != nil { document.set("password", marker) }
        var noCollection: (any PatchCollection)? = nil
        try engine.apply(request, to: &document, resourceID: user.id, collection: &noCollection)
        var updated = try read(document, into: user)
        if profile == .rfc {
            switch document["password"] {
            case nil, .null?:
                updated.passwordHash = nil
            case marker?:
                break
            case .string(let password)?:
                guard let hash = passwordHashes[password] else {
                    throw .internalFailure("The new password of user \(user.id) was not hashed before the write.")
                }
                updated.passwordHash = hash
            default:
                throw .invalidValue("'password' must be a string.")
            }
        }
        user = updated
    }

    /// Returns every string a PATCH request may set as the `password`: the values of operations whose
    /// path names `password`, and the `password` members of path-less values. The result may hold
    /// strings that never become the password; it never misses one that does.
    package static func passwordCandidates(in request: PatchRequest) -> [String] {
        var candidates: [String] = []
        for operation in request.operations {
            guard let value = operation.value else { continue }
            if let path = operation.path {
                if isPasswordKey(path.text), let text = value.stringValue { candidates.append(text) }
            } else {
                collectPasswords(in: value, into: &candidates)
            }
        }
        return candidates
    }

    private static func collectPasswords(in value: JSONValue, into candidates: inout [String]) {
        guard let object = value.objectValue else { return }
        for member in object.members {
            if isPasswordKey(member.key), let text = member.value.stringValue { candidates.append(text) }
            collectPasswords(in: member.value, into: &candidates)
        }
    }

    /// Whether a path or key names `password`, alone or after the User schema URN.
    private static func isPasswordKey(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return lowered == "password" || lowered == Schema.userURN.lowercased() + ":password"
    }

    /// Returns the user's attributes as a document, without `id`, `schemas`, `meta` and `password`.
    package static func document(for user: UserRecord) -> JSONObject {
        var document = JSONObject([("userName", .string(user.userName))])
        var name = user.extraAttributes["name"]?.objectValue ?? JSONObject()
        if let givenName = user.givenName { name.set("givenName", .string(givenName)) }
        if let familyName = user.familyName { name.set("familyName", .string(familyName)) }
        if !name.members.isEmpty { document.set("name", .object(name)) }
        if let externalID = user.externalID { document.set("externalId", .string(externalID)) }
        if let active = user.active { document.set("active", .bool(active)) }
        for member in user.extraAttributes.members where member.key != "name" {
            document.set(member.key, member.value)
        }
        return document
    }

    private func read(_ document: JSONObject, into user: UserRecord) throws(SCIMError) -> UserRecord {
        var updated = user
        guard case .string(let userName)? = document["userName"], !userName.isEmpty else {
            throw .invalidValue("'userName' must not be empty.")
        }
        switch document["active"] {
        case .bool(let active)?:
            updated.active = active
        case nil where profile == .rfc:
            // RFC 7644 §3.5.2.2: a removed single-valued attribute is unassigned.
            updated.active = nil
        default:
            throw .invalidValue("'active' cannot be removed; replace it with true or false.")
        }
        updated.userName = userName
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
