/// Builds the JSON representation of a user for a profile.
package struct UserRepresentation: Sendable {
    package let profile: Profile

    package init(profile: Profile) {
        self.profile = profile
    }

    /// Returns the user as the profile sends it: `schemas`, `id`, `userName`, `name`, `externalId`,
    /// `active` (unless unassigned) and `meta`, in that order. The `rfc` profile adds the other stored
    /// attributes, `meta.location` and `meta.version`. The password hash is never part of it.
    package func render(_ user: UserRecord, baseURL: String) -> JSONValue {
        var object = JSONObject()
        object.members.reserveCapacity(8)
        let hasEnterprise = profile == .rfc && user.extraAttributes[Schema.enterpriseUserURN] != nil
        var schemas: [JSONValue] = [.string(Schema.userURN)]
        if hasEnterprise { schemas.append(.string(Schema.enterpriseUserURN)) }
        object.members.append(("schemas", .array(schemas)))
        object.members.append(("id", .string(user.id)))
        object.members.append(("userName", .string(user.userName)))
        if let name = renderName(user) { object.members.append(("name", name)) }
        if let externalID = user.externalID { object.members.append(("externalId", .string(externalID))) }
        if let active = user.active { object.members.append(("active", .bool(active))) }
        if profile == .rfc {
            for member in user.extraAttributes.members where member.key != "name" {
                object.members.append(member)
            }
        }
        object.members.append(("meta", renderMeta(user, baseURL: baseURL)))
        return .object(object)
    }

    private func renderName(_ user: UserRecord) -> JSONValue? {
        var name = JSONObject()
        if let givenName = user.givenName { name.members.append(("givenName", .string(givenName))) }
        if let familyName = user.familyName { name.members.append(("familyName", .string(familyName))) }
        if profile == .rfc, let rest = user.extraAttributes["name"]?.objectValue {
            name.members.append(contentsOf: rest.members)
        }
        return name.members.isEmpty ? nil : .object(name)
    }

    private func renderMeta(_ user: UserRecord, baseURL: String) -> JSONValue {
        var meta = JSONObject([
            ("resourceType", .string("User")),
            ("created", .string(Timestamp.format(milliseconds: user.created))),
            ("lastModified", .string(Timestamp.format(milliseconds: user.lastModified))),
        ])
        if profile == .rfc {
            meta.members.append(("location", .string("\(baseURL)/Users/\(user.id)")))
            meta.members.append(("version", .string(EntityTag.weak(version: user.version))))
        }
        return .object(meta)
    }
}
