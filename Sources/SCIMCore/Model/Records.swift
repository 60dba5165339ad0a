/// A tenant: a name, its verified e-mail domains, and whether it was deleted.
package struct TeamRecord: Sendable, Equatable {
    package var id: Int64
    package var name: String
    package var domains: [String]
    package var isDeleted: Bool

    package init(id: Int64, name: String, domains: [String], isDeleted: Bool) {
        self.id = id
        self.name = name
        self.domains = domains
        self.isDeleted = isDeleted
    }
}

/// The role of a member in its team. Roles change through the command line only, never through SCIM.
package enum MemberRole: String, Sendable, Equatable {
    case admin
    case member
}

/// A member of a team: one SCIM User.
///
/// The columns every profile stores are fields; attributes only the `rfc` profile keeps live in
/// `extraAttributes`. Times are milliseconds since 1970-01-01T00:00:00Z.
///
/// `active` is nil when the attribute is unassigned (RFC 7644 §3.5.2.2), which only the `rfc` profile
/// allows. Only `false` deactivates a member: an unassigned `active` leaves the member as active as
/// before for authentication and the admin rules, but matches neither `active eq true` nor
/// `active eq false`.
package struct UserRecord: Sendable, Equatable {
    package var id: String
    package var teamID: Int64
    package var userName: String
    package var givenName: String?
    package var familyName: String?
    package var externalID: String?
    package var active: Bool?
    package var role: MemberRole
    package var created: Int64
    package var lastModified: Int64
    /// Increases by one on every change; the basis of `meta.version`.
    package var version: Int64
    package var extraAttributes: JSONObject
    /// The salted slow hash of the `password` attribute (``CredentialHasher/hashPassword(_:)``), never
    /// the password itself; nil when the user has none. No response carries it.
    package var passwordHash: String?

    package init(
        id: String, teamID: Int64, userName: String, givenName: String? = nil, familyName: String? = nil,
        externalID: String? = nil, active: Bool? = true, role: MemberRole = .member, created: Int64,
        lastModified: Int64, version: Int64 = 1, extraAttributes: JSONObject = JSONObject(),
        passwordHash: String? = nil
    ) {
        self.id = id
        self.teamID = teamID
        self.userName = userName
        self.givenName = givenName
        self.familyName = familyName
        self.externalID = externalID
        self.active = active
        self.role = role
        self.created = created
        self.lastModified = lastModified
        self.version = version
        self.extraAttributes = extraAttributes
        self.passwordHash = passwordHash
    }

    /// Whether the member was deactivated: `active` is `false`, not merely unassigned.
    package var isDeactivated: Bool {
        active == false
    }
}

/// An API key as stored: never the key itself, only the SHA-256 digest of its secret.
package struct APIKeyRecord: Sendable, Equatable {
    package var id: String
    package var teamID: Int64
    package var adminUserID: String
    package var secretDigest: [UInt8]
    package var created: Int64
    package var revoked: Int64?

    package init(
        id: String, teamID: Int64, adminUserID: String, secretDigest: [UInt8], created: Int64, revoked: Int64? = nil
    ) {
        self.id = id
        self.teamID = teamID
        self.adminUserID = adminUserID
        self.secretDigest = secretDigest
        self.created = created
        self.revoked = revoked
    }
}

/// Everything authentication needs about one key, read in one query.
package struct CredentialRecord: Sendable, Equatable {
    package var key: APIKeyRecord
    package var team: TeamRecord
    /// The member who generated the key, or nil when that member no longer exists.
    package var admin: UserRecord?

    package init(key: APIKeyRecord, team: TeamRecord, admin: UserRecord?) {
        self.key = key
        self.team = team
        self.admin = admin
    }
}
